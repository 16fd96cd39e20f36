// The operator's dashboard in headless Chromium, against the whole bot running locally (wrangler dev,
// the Discord emulator, the OpenAI stand-in, a fresh D1): real /summarize interactions fill D1, then
// /admin refuses without the token, signs in through its form, and draws their numbers.
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { parseCommandLine, tokenize } from "../../scripts/playground/command-line.ts";
import { type LocalStack, startLocalStack } from "../../scripts/playground/stack.ts";
import { createOpenAIFake } from "../stand-ins/openai-fake.ts";
import { type Served, serve } from "../stand-ins/serve.ts";
import { launchChromium } from "./chromium.ts";

const TOKEN = randomBytes(24).toString("base64url");
let llm: Served;
let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Requests the page made anywhere but the Worker, and errors the browser reported: there must be none. */
const elsewhere: string[] = [];
const reports: string[] = [];

/** Sends `line` in `channel` as Alice and waits until the bot has answered it for good. */
async function run(line: string, channel = "general"): Promise<void> {
	const parsed = parseCommandLine(tokenize(line), stack.guild.channels);
	if (!parsed.ok) throw new Error(parsed.error);
	const interaction = await stack.client.build(parsed.value, stack.channels[channel].id);
	const answer = await stack.client.send(interaction);
	expect(answer.status).toBe(200);
	if ("type" in answer.body && answer.body.type === 5) for await (const _ of stack.client.follow(interaction.token, { quietMs: 300 }));
}

const metrics = async (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
	fetch(`${stack.workerUrl}/admin/metrics?since=1h`, { headers });

beforeAll(async () => {
	llm = await serve(createOpenAIFake());
	stack = await startLocalStack({
		adminToken: TOKEN,
		seed: { scale: 0.1 },
		openaiApiKey: "test-key",
		openaiBaseUrl: `http://127.0.0.1:${llm.port}/v1`,
	});
	await run("/summarize messages:50");
	await run("/summarize messages:50");
	await run("/summarize messages:80 style:bullets", "engineering");
	await run("/summarize", "leads-private");
	// A member finds a summary helpful (the model is wrangler.toml's OPENAI_MODEL); a vote is no request.
	await run("click vote:up:brief:gpt-4o-mini");
	// Usage events are written just after each answer: wait until all four are in D1.
	const recorded = async () =>
		((await (await metrics()).json()) as { days: { requests: number }[] }).days.reduce((sum, day) => sum + day.requests, 0);
	await vi.waitUntil(async () => (await recorded()) === 4, { timeout: 30_000, interval: 200 });

	browser = await launchChromium();
	context = await browser.newContext();
	page = await context.newPage();
	page.on("request", (request) => {
		if (!request.url().startsWith(stack.workerUrl)) elsewhere.push(request.url());
	});
	// The 401s this test asks for, and the browser's own /favicon.ico (a 404: the Worker has none), are
	// logged as failed loads; anything else logged as an error, or any word of the CSP, is a fault.
	page.on("console", (message) => {
		const text = message.text();
		const expected =
			/^Failed to load resource: .* 40[14]/.test(text) && (text.includes("401") || message.location().url.endsWith("/favicon.ico"));
		if (/Content Security Policy/i.test(text) || (message.type() === "error" && !expected))
			reports.push(`${text} (${message.location().url})`);
	});
	page.on("pageerror", (error) => reports.push(error.message));
});

afterAll(async () => {
	await browser?.close();
	await stack?.stop();
	await llm?.close();
});

test("without the token: the metrics answer 401, the dashboard is a login form, and a wrong token is refused", async () => {
	expect((await metrics({})).status).toBe(401);
	expect((await metrics({ authorization: "Bearer wrong" })).status).toBe(401);

	const response = await page.goto(`${stack.workerUrl}/admin`);
	expect(response!.status()).toBe(401);
	expect(await page.locator("svg").count()).toBe(0);
	await page.fill("#token", "not-the-token");
	const [refused] = await Promise.all([page.waitForResponse(`${stack.workerUrl}/admin/login`), page.click("button[type=submit]")]);
	expect(refused.status()).toBe(401);
	await expect.poll(() => page.locator("[role=alert]").textContent()).toContain("That token is not right");
	expect(await context.cookies()).toEqual([]);
});

test("the login form sets an HttpOnly session cookie, and the dashboard draws the requests D1 holds", async () => {
	await page.fill("#token", TOKEN);
	await Promise.all([page.waitForURL(`${stack.workerUrl}/admin`), page.click("button[type=submit]")]);
	await page.locator("svg.chart").first().waitFor();
	const [cookie] = await context.cookies();
	expect(cookie).toMatchObject({ name: "__Host-admin_session", httpOnly: true, secure: true, sameSite: "Strict", path: "/" });
	expect(cookie.value).not.toContain(TOKEN);

	expect(await page.locator("svg.chart").count()).toBe(7);
	for (const chart of ["requests", "latency", "cache", "tokens", "cost", "helpful-style", "helpful-summarizer"]) {
		expect(await page.locator(`svg#${chart} [data-value]`).count(), chart).toBeGreaterThan(0);
		expect(await page.locator(`svg#${chart} title`).first().textContent(), chart).not.toBe("");
	}
	// The requests chart holds every interaction, by outcome: two summaries made, one from the cache, one refused.
	const byOutcome = await page
		.locator("svg#requests [data-value]")
		.evaluateAll((marks) => marks.map((mark) => [mark.getAttribute("data-series"), Number(mark.getAttribute("data-value"))]));
	expect(Object.fromEntries(byOutcome)).toEqual({ delivered: 2, cached: 1, refused: 1 });
	const helpful = await page
		.locator("svg#helpful-summarizer [data-value]")
		.evaluateAll((marks) => marks.map((mark) => [mark.getAttribute("data-series"), Number(mark.getAttribute("data-value"))]));
	expect(Object.fromEntries(helpful)).toEqual({ "all votes": 1, "gpt-4o-mini": 1 });
	const tokens = await page
		.locator("svg#tokens [data-value]")
		.evaluateAll((marks) => marks.map((mark) => Number(mark.getAttribute("data-value"))));
	expect(tokens.every((value) => value > 0)).toBe(true);
	expect(await page.locator("#top-guilds tbody tr").first().locator("td").first().textContent()).toBe(stack.guildId);
	expect(await page.locator("#top-guilds tbody tr").first().locator("td").nth(1).textContent()).toBe("4");

	const json = await page.goto(`${stack.workerUrl}/admin/metrics?since=1h&format=json`);
	expect(json!.status()).toBe(200);
});

test("signing out ends the session", async () => {
	await page.goto(`${stack.workerUrl}/admin`);
	await Promise.all([page.waitForURL(`${stack.workerUrl}/admin`), page.click("text=Sign out")]);
	expect(await page.locator("#token").count()).toBe(1);
	expect(await context.cookies()).toEqual([]);
	expect((await page.goto(`${stack.workerUrl}/admin`))!.status()).toBe(401);
});

test("the pages load nothing from elsewhere and break no Content-Security-Policy", () => {
	expect(elsewhere).toEqual([]);
	expect(reports).toEqual([]);
});
