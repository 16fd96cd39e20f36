// The emulator's channel page in headless Chromium, against the whole bot running locally (wrangler dev,
// the emulator, a fresh D1): commands typed in the box, message actions and buttons send real signed
// interactions, and the bot's replies appear as Discord would show them.
import type { APIUser } from "discord-api-types/v10";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/playground/stack.ts";
import { snowflakeAt } from "../../src/domain/snowflake.ts";
import { messageObject } from "../stand-ins/discord-messages.ts";
import { launchChromium } from "./chromium.ts";

let stack: LocalStack;
let browser: Browser;
let page: Page;
/** Requests the page made anywhere but the emulator, and its script errors: there must be none. */
const elsewhere: string[] = [];
const scriptErrors: string[] = [];

beforeAll(async () => {
	// Discord's pages take a moment, so "thinking…" is on screen long enough to be seen.
	stack = await startLocalStack({ seed: { scale: 0.2 }, emulator: { latencyMs: 800 } });
	browser = await launchChromium();
	page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	page.on("pageerror", (error) => scriptErrors.push(error.message));
	page.on("request", (request) => {
		if (!request.url().startsWith(stack.emulatorUrl)) elsewhere.push(request.url());
	});
});

afterAll(async () => {
	await browser?.close();
	await stack?.stop();
});

async function run(command: string): Promise<void> {
	await page.fill("#command", command);
	await page.press("#command", "Enter");
}

const summaries = () => page.locator(".bot-reply:has(.embed-title)");

test("a typed /summarize shows the bot thinking, then the summary with jump links and buttons", async () => {
	await page.goto(`${stack.emulatorUrl}/channels/${stack.channels.general.id}`);
	await page.locator("#messages li").first().waitFor();
	expect(await page.locator("#channel-name").textContent()).toBe("general");

	await run("/summarize messages:200 style:bullets");
	await page.locator(".bot-reply .thinking", { hasText: "Summary Bot is thinking" }).waitFor();
	const reply = summaries().last();
	await reply.waitFor({ timeout: 60_000 });
	expect(await reply.locator(".embed-title").textContent()).toBe("Summary — last 200 messages");
	expect(await page.locator(".bot-reply .used code").last().textContent()).toBe("/summarize messages:200 style:bullets");
	expect(await page.locator(".bot-reply .ephemeral-note").last().textContent()).toContain("Only you can see this");
	expect(await reply.locator(".components .component-row").evaluateAll((rows) => rows.map((row) => row.textContent))).toEqual([
		"ShorterMore detailPost publicly",
		"👍👎",
	]);
	expect(await page.inputValue("#command")).toBe("");
	expect(await page.locator(".bot-reply .thinking").count()).toBe(0);

	// A jump link scrolls to the message it cites and highlights it.
	const jump = reply.locator("a.jump").first();
	const messageId = (await jump.getAttribute("href"))!.split("#m")[1];
	await jump.click();
	await page.locator(`#m${messageId}.highlight`).waitFor();
	expect(await page.locator(`#m${messageId}`).isVisible()).toBe(true);
});

test("a button under the summary sends a component interaction, and its result appears too", async () => {
	const before = await summaries().count();
	await summaries().last().locator("button", { hasText: "More detail" }).click();
	await expect.poll(() => summaries().count(), { timeout: 60_000 }).toBe(before + 1);
	expect(await page.locator(".bot-reply .used code").last().textContent()).toBe("More detail");
	expect(await summaries().last().locator(".components button").allTextContents()).toEqual(["Shorter", "Post publicly", "👍", "👎"]);
});

test("👍 and 👎 under a summary count one vote per member and summary, answered only to the voter", async () => {
	const noted = () => page.locator(".bot-reply .content", { hasText: "Thanks — noted." });
	const before = await noted().count();
	await summaries().last().locator("button", { hasText: "👍" }).click();
	await expect.poll(() => noted().count(), { timeout: 30_000 }).toBe(before + 1);
	expect(await page.locator(".bot-reply .used code").last().textContent()).toBe("👍");
	expect(await page.locator(".bot-reply .ephemeral-note").last().textContent()).toContain("Only you can see this");
	// A second click on the same summary changes the vote: /stats counts one, now a 👎.
	await summaries().last().locator("button", { hasText: "👎" }).click();
	await expect.poll(() => noted().count(), { timeout: 30_000 }).toBe(before + 2);
	await run("/stats");
	await expect
		.poll(() => page.locator(".bot-reply .embed-field", { hasText: "Helpful, last 7 days" }).last().textContent(), { timeout: 30_000 })
		.toBe("Helpful, last 7 days0% found helpful (0 👍 · 1 👎)");
});

test("Apps → Summarize from here on a message summarizes from it to now", async () => {
	const message = page.locator("#messages li.message:has(.message-actions)").nth(-20);
	await message.hover();
	await message.locator(".message-actions button").click();
	await expect
		.poll(() => summaries().last().locator(".embed-title").textContent(), { timeout: 60_000 })
		.toBe("Summary — from a message to now");
});

test("/catchup summarizes what the member missed since their last message, and says when there is nothing new", async () => {
	const general = stack.channels.general.id;
	const bob: APIUser = { id: "900000000000000001", username: "bob", global_name: "Bob", discriminator: "0", avatar: null };
	let next = snowflakeAt(Date.now());
	const post = async (author: APIUser, content: string) => {
		const message = messageObject({ id: String(next++), channel_id: general, author, timestamp: new Date().toISOString(), content });
		const response = await fetch(`${stack.emulatorUrl}/__emulator/channels/${general}/messages`, {
			method: "POST",
			body: JSON.stringify({ messages: [message] }),
		});
		expect(response.ok).toBe(true);
		return message.id;
	};
	const mine = await post(stack.guild.member, "Off to lunch, back in an hour");
	await post(bob, "The staging database migration passed after the index was built concurrently");
	await post(bob, "So the release candidate ships on Friday as planned");

	const before = await summaries().count();
	await run("/catchup");
	await expect.poll(() => summaries().count(), { timeout: 60_000 }).toBe(before + 1);
	const reply = summaries().last();
	expect(await reply.locator(".embed-title").textContent()).toBe("Summary — since your last message");
	const link = reply.locator("a.jump", { hasText: "your last message" });
	expect(await link.getAttribute("href")).toBe(`/channels/${general}#m${mine}`);
	expect(await reply.locator(".components button").allTextContents()).toEqual(["More detail", "👍", "👎"]);

	await post(stack.guild.member, "Back, thanks for the summary");
	await run("/catchup");
	await expect
		.poll(() => page.locator(".bot-reply .content").last().textContent(), { timeout: 60_000 })
		.toBe("Nothing new here since your last message: you're all caught up.");
});

test("a command Discord's client would refuse is refused in the box, saying why", async () => {
	await run("/summarize messages:1");
	await expect.poll(() => page.locator("#composer-error").textContent()).toBe("`messages` must be from 2 to 10000.");
	expect(await page.inputValue("#command")).toBe("/summarize messages:1");
	await run("hello");
	await expect.poll(() => page.locator("#composer-error").textContent()).toContain("Only commands work here");
});

test("a channel the bot can't read gets the bot's refusal, with what it needs", async () => {
	await page.locator(".channels a", { hasText: "leads-private" }).click();
	await expect.poll(() => page.locator("#channel-name").textContent()).toBe("leads-private");
	await run("/summarize");
	await expect
		.poll(() => page.locator(".bot-reply .content").last().textContent(), { timeout: 30_000 })
		.toContain("I need View Channel and Read Message History");
});

test("message content is shown as text: markup in it never becomes elements", async () => {
	const random = stack.channels.random;
	const attack = messageObject({
		id: "1574000000000000001",
		channel_id: random.id,
		author: { id: "900000000000000001", username: "mallory", global_name: "Mallory", discriminator: "0", avatar: null },
		timestamp: new Date().toISOString(),
		content: `<img src=x onerror="document.body.dataset.owned=1"> **bold** [click](javascript:alert(1))`,
	});
	await fetch(`${stack.emulatorUrl}/__emulator/channels`, { method: "POST", body: JSON.stringify({ id: random.id, messages: [attack] }) });
	await page.goto(`${stack.emulatorUrl}/channels/${random.id}`);
	const shown = page.locator(`#m${attack.id} .content`);
	await shown.waitFor();
	expect(await shown.textContent()).toBe(`<img src=x onerror="document.body.dataset.owned=1"> bold [click](javascript:alert(1))`);
	expect(await shown.locator("img, a").count()).toBe(0);
	expect(await shown.locator("strong").textContent()).toBe("bold");
	expect(await page.evaluate(() => document.body.dataset.owned)).toBeUndefined();
});

test("the page's own routes answer a bad request with a 400 and what to send", async () => {
	const post = async (body: unknown) => {
		const response = await fetch(`${stack.emulatorUrl}/__playground/interactions`, { method: "POST", body: JSON.stringify(body) });
		return { status: response.status, body: (await response.json()) as { error: string } };
	};
	const general = stack.channels.general.id;
	expect(await post({ channelId: "1", line: "/help" })).toEqual({
		status: 400,
		body: { error: "channelId must be one of the guild's channels" },
	});
	expect(await post({ channelId: general })).toEqual({
		status: 400,
		body: { error: "send {channelId, line} or {channelId, fromHere} or {channelId, customId}" },
	});
	expect(await post({ channelId: general, line: "/dance" })).toMatchObject({
		status: 400,
		body: { error: expect.stringContaining("Unknown command") },
	});
	expect(await post({ channelId: general, fromHere: "1000000000000000000" })).toEqual({
		status: 400,
		body: { error: "#general has no message 1000000000000000000." },
	});
});

test("the page loads nothing from anywhere but the emulator, and its scripts never failed", () => {
	expect(elsewhere).toEqual([]);
	expect(scriptErrors).toEqual([]);
});
