// /admin through the Worker's own fetch: off (404) without ADMIN_TOKEN, 401 without the token, the
// metrics as JSON and CSV over seeded usage events, `since`, and the dashboard's login and cookie.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sessionCookie } from "../../src/admin/auth";
import type { Metrics } from "../../src/admin/metrics";
import { guildSettings, llmTokens, summaries, summaryVotes, type UsageEvent, usageEvents } from "../../src/db/schema";
import type { Usage } from "../../src/metrics/analytics";
import { estimateCostMicroUsd } from "../../src/metrics/cost";
import { percentile } from "../../src/metrics/percentile";
import { usageRow } from "../../src/metrics/usage-event";
import { id, sendOk, summarize } from "../helpers/interactions";
import { message, user } from "../helpers/messages";
import { seedChannel } from "../helpers/stand-in";

const TOKEN = "admin-token-for-tests";
const DAY = 86_400_000;
const db = drizzle(env.DB);
const bindings = env as { ADMIN_TOKEN: string; OPENAI_API_KEY: string };
const get = (path: string, headers: Record<string, string> = {}) =>
	exports.default.fetch(new Request(`https://bot.test${path}`, { headers }));
const bearer = { authorization: `Bearer ${TOKEN}` };

/** Noon (UTC) of the day `daysAgo` days back, so a few minutes either way stay on that day. */
const noon = (daysAgo: number) => Math.floor((Date.now() - daysAgo * DAY) / DAY) * DAY + DAY / 2;
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

async function seed(rows: UsageEvent[]): Promise<void> {
	// D1 binds at most 100 parameters per statement: 12 columns, 8 rows.
	for (let start = 0; start < rows.length; start += 8) await db.insert(usageEvents).values(rows.slice(start, start + 8));
}

function event(guildId: string, outcome: Usage["outcome"], at: number, extra: Partial<Usage> = {}): UsageEvent {
	return usageRow({ id: id(), guildId, userId: "u", command: "summarize", outcome, latencyMs: 2, ...extra }, new Date(at));
}

const busy = id();
const quiet = id();
const seededDay = noon(45);
const votedDay = noon(55);
const vote = (at: number, vote: "up" | "down", style: "brief" | "detailed", model: string) => ({
	messageId: id(),
	userId: id(),
	guildId: quiet,
	vote,
	style,
	model,
	summaryAt: new Date(at - 60_000),
	votedAt: new Date(at),
});
const delivered = (ms: number, model = "gpt-4o-mini", tokensIn = 1000, tokensOut = 200) =>
	event(busy, "delivered", seededDay, { timeToResultMs: ms, model, tokensIn, tokensOut });

beforeAll(async () => {
	bindings.ADMIN_TOKEN = TOKEN;
	await seed([
		...[1000, 2000, 3000, 4000, 10_000].map((ms) => delivered(ms)),
		delivered(5000, "a-model-without-a-price", 500, 100),
		...["cached", "cached", "joined", "rate_limited", "failed"].map((outcome) =>
			event(busy, outcome as Usage["outcome"], seededDay + 60_000),
		),
		event(quiet, "delivered", noon(44), { timeToResultMs: 700, model: "extractive", messages: 50 }),
	]);
	await db
		.insert(summaryVotes)
		.values([
			vote(votedDay, "up", "brief", "extractive"),
			vote(votedDay, "up", "brief", "gpt-4o-mini"),
			vote(votedDay, "down", "detailed", "gpt-4o-mini"),
			vote(noon(53), "down", "brief", "gpt-4o-mini"),
		]);
});

afterAll(() => {
	bindings.ADMIN_TOKEN = "";
});

describe("without ADMIN_TOKEN", () => {
	it("every /admin route answers 404 with a JSON error, token or not", async () => {
		bindings.ADMIN_TOKEN = "";
		try {
			for (const path of ["/admin", "/admin/metrics", "/admin/metrics?format=csv", "/admin/elsewhere"]) {
				const response = await get(path, bearer);
				expect(response.status, path).toBe(404);
				expect(await response.json()).toEqual({ error: "not found" });
			}
			for (const path of ["/admin/login", "/admin/logout"]) {
				const response = await exports.default.fetch(
					new Request(`https://bot.test${path}`, { method: "POST", body: new URLSearchParams({ token: "" }) }),
				);
				expect(response.status, path).toBe(404);
			}
		} finally {
			bindings.ADMIN_TOKEN = TOKEN;
		}
	});
});

describe("GET /admin/metrics", () => {
	it("401 with a JSON error without the bearer token, with a wrong one, or with another scheme", async () => {
		const attempts: Record<string, string>[] = [
			{},
			{ authorization: "Bearer wrong" },
			{ authorization: `Basic ${TOKEN}` },
			{ authorization: `Bearer ${TOKEN}x` },
			{ cookie: `__Host-admin_session=${TOKEN}` },
		];
		for (const headers of attempts) {
			const response = await get("/admin/metrics", headers);
			expect(response.status, JSON.stringify(headers)).toBe(401);
			expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
			expect(await response.json()).toEqual({ error: expect.stringContaining("Authorization: Bearer") });
		}
	});

	it("gives per-day outcomes, percentiles, cache hit rate, tokens and cost, and the top guilds, as JSON", async () => {
		const response = await get(`/admin/metrics?since=${dayOf(seededDay)}`, bearer);
		expect(response.status).toBe(200);
		expect(response.headers.get("cache-control")).toBe("no-store");
		const metrics: Metrics = await response.json();
		expect(metrics.since).toBe(`${dayOf(seededDay)}T00:00:00.000Z`);
		expect(metrics.days).toHaveLength(46);
		const day = metrics.days.find((entry) => entry.day === dayOf(seededDay));
		expect(day).toEqual({
			day: dayOf(seededDay),
			requests: 11,
			outcomes: { delivered: 6, cached: 2, joined: 1, rate_limited: 1, refused: 0, failed: 1, expired: 0, confirm: 0 },
			cacheHitRate: 3 / 9,
			p50Ms: 3000,
			p95Ms: 10_000,
			tokensIn: 5500,
			tokensOut: 1100,
			costMicroUsd: 5 * estimateCostMicroUsd("gpt-4o-mini", 1000, 200)!,
			unpricedTokens: 600,
		});
		expect(metrics.days.find((entry) => entry.day === dayOf(noon(44)))).toMatchObject({
			requests: 1,
			p50Ms: 700,
			p95Ms: 700,
			cacheHitRate: 0,
			costMicroUsd: 0,
			unpricedTokens: 0,
		});
		expect(metrics.days.find((entry) => entry.day === dayOf(noon(43)))).toMatchObject({ requests: 0, p50Ms: null, cacheHitRate: null });
		expect(metrics.topGuilds[0]).toEqual({
			guildId: busy,
			requests: 11,
			delivered: 6,
			tokensIn: 5500,
			tokensOut: 1100,
			costMicroUsd: 1350,
			unpricedTokens: 600,
		});
		expect(metrics.topGuilds.map((guild) => guild.guildId)).toContain(quiet);
	});

	it("shows today's LLM budgets: the overall one when LLM_TOKENS_PER_DAY is set, and the guilds that spent most of theirs", async () => {
		const spender = id();
		const day = Math.floor(Date.now() / 86_400_000);
		await db.insert(guildSettings).values({ guildId: spender, llmTokensPerDay: 1_000_000, updatedBy: "admin", updatedAt: new Date() });
		await db.insert(llmTokens).values([
			{ scope: spender, day, used: 900_000_000 },
			{ scope: id(), day: day - 1, used: 950_000_000 },
			{ scope: "*", day, used: 901_000_000 },
		]);
		const overall = env as { LLM_TOKENS_PER_DAY?: string };
		overall.LLM_TOKENS_PER_DAY = "2000000000";
		try {
			const { budgets }: Metrics = await (await get("/admin/metrics", bearer)).json();
			expect(budgets.overall).toEqual({ used: 901_000_000, limit: 2_000_000_000 });
			expect(budgets.guilds[0]).toEqual({ guildId: spender, used: 900_000_000, limit: 1_000_000 });
			expect(budgets.guilds).toHaveLength(1);
		} finally {
			delete overall.LLM_TOKENS_PER_DAY;
		}
		overall.LLM_TOKENS_PER_DAY = "two million";
		try {
			const mistyped = await get("/admin/metrics", bearer);
			expect(mistyped.status).toBe(500);
			expect(await mistyped.json()).toEqual({ error: expect.stringContaining("LLM_TOKENS_PER_DAY must be a whole number") });
		} finally {
			delete overall.LLM_TOKENS_PER_DAY;
		}
		const page = await (await get("/admin", bearer)).text();
		expect(page).toContain("LLM budgets today");
		expect(page).toContain(`<td>${spender}</td><td>900,000,000</td><td>1,000,000</td><td>100%</td>`);
		expect(page).toContain("no overall budget (LLM_TOKENS_PER_DAY is unset)");
	});

	it("gives the helpful rate per day, by style and by summarizer, from the votes", async () => {
		const metrics: Metrics = await (await get(`/admin/metrics?since=${dayOf(votedDay)}`, bearer)).json();
		const tally = (up: number, down: number) => ({ up, down, helpfulRate: up + down ? up / (up + down) : null });
		expect(metrics.votes).toMatchObject({
			...tally(2, 2),
			byStyle: { brief: tally(2, 1), detailed: tally(0, 1) },
			bySummarizer: { extractive: tally(1, 0), "gpt-4o-mini": tally(1, 2) },
		});
		expect(metrics.votes.days).toHaveLength(metrics.days.length);
		expect(metrics.votes.days[0]).toEqual({
			day: dayOf(votedDay),
			...tally(2, 1),
			byStyle: { brief: tally(2, 0), detailed: tally(0, 1) },
			bySummarizer: { extractive: tally(1, 0), "gpt-4o-mini": tally(1, 1) },
		});
		expect(metrics.votes.days[1]).toEqual({ day: dayOf(noon(54)), ...tally(0, 0), byStyle: {}, bySummarizer: {} });
	});

	it("ranks p50 and p95 per day in SQL exactly as the nearest-rank definition does", async () => {
		const at = noon(50);
		const times = Array.from({ length: 37 }, (_, index) => ((index * 7919) % 997) * 13 + 100);
		await seed(times.map((ms) => event(id(), "delivered", at, { timeToResultMs: ms })));
		const metrics: Metrics = await (await get(`/admin/metrics?since=${dayOf(at)}`, bearer)).json();
		const sorted = [...times].sort((a, b) => a - b);
		expect(metrics.days[0]).toMatchObject({ day: dayOf(at), p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) });
	});

	it("gives the same numbers as RFC 4180 CSV, by day or by guild", async () => {
		const response = await get(`/admin/metrics?format=csv&since=${dayOf(seededDay)}`, bearer);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
		const lines = (await response.text()).split("\r\n");
		expect(lines[0]).toBe(
			"day,requests,delivered,cached,joined,rate_limited,refused,failed,expired,confirm,cache_hit_rate,p50_ms,p95_ms,tokens_in,tokens_out,cost_micro_usd,unpriced_tokens",
		);
		expect(lines[1]).toBe(`${dayOf(seededDay)},11,6,2,1,1,0,1,0,0,0.3333,3000,10000,5500,1100,1350,600`);
		expect(lines[3]).toBe(`${dayOf(noon(43))},0,0,0,0,0,0,0,0,0,,,,0,0,0,0`);
		expect(lines.at(-1)).toBe("");

		const guilds = (await (await get(`/admin/metrics?format=csv&table=guilds&since=${dayOf(seededDay)}`, bearer)).text()).split("\r\n");
		expect(guilds[0]).toBe("guild_id,requests,delivered,tokens_in,tokens_out,cost_micro_usd,unpriced_tokens");
		expect(guilds[1]).toBe(`${busy},11,6,5500,1100,1350,600`);
	});

	it("reads `since` as a duration or an ISO date or time, 7 days by default, and refuses anything else with 400", async () => {
		const sinceOf = async (query: string) => ((await (await get(`/admin/metrics${query}`, bearer)).json()) as Metrics).since;
		const ago = (iso: string) => Date.now() - Date.parse(iso);
		expect(ago(await sinceOf(""))).toBeGreaterThanOrEqual(7 * DAY);
		expect(ago(await sinceOf(""))).toBeLessThan(7 * DAY + 60_000);
		expect(ago(await sinceOf("?since=24h"))).toBeLessThan(DAY + 60_000);
		expect(await sinceOf(`?since=${dayOf(noon(3))}T06:30Z`)).toBe(`${dayOf(noon(3))}T06:30:00.000Z`);
		expect(await sinceOf(`?since=${dayOf(noon(3))}T08:30:00%2B02:00`)).toBe(`${dayOf(noon(3))}T06:30:00.000Z`);

		const future = new Date(Date.now() + DAY).toISOString();
		for (const [query, error] of [
			["since=yesterday", /neither an ISO date/],
			["since=2026-02-30", /neither an ISO date/],
			["since=91d", /at most 90 days/],
			[`since=${dayOf(Date.now() - 91 * DAY)}`, /at most 90 days/],
			[`since=${future}`, /future/],
			["since=0m", /at least one minute/],
			["format=xml", /format must be one of: json, csv/],
			["format=csv&table=users", /table must be one of: days, guilds/],
		] as const) {
			const response = await get(`/admin/metrics?${query}`, bearer);
			expect(response.status, query).toBe(400);
			expect(await response.json()).toEqual({ error: expect.stringMatching(error) });
		}
	});
});

describe("GET /admin and its login", () => {
	const login = (token: string) =>
		exports.default.fetch(
			new Request("https://bot.test/admin/login", { method: "POST", body: new URLSearchParams({ token }), redirect: "manual" }),
		);

	it("without a session shows the login form with 401, under a strict Content-Security-Policy", async () => {
		const response = await get("/admin");
		expect(response.status).toBe(401);
		expect(response.headers.get("content-type")).toMatch(/^text\/html/);
		const csp = response.headers.get("content-security-policy")!;
		expect(csp).toMatch(/default-src 'none'/);
		expect(csp).not.toMatch(/script-src|unsafe-inline/);
		const html = await response.text();
		expect(html).toContain('<form method="post" action="/admin/login">');
		expect(html).not.toContain("<svg");
		expect(html).toContain(`<style nonce="${/'nonce-([0-9a-f]+)'/.exec(csp)![1]}">`);
	});

	it("a wrong token shows the form again with an error and 401; the right one sets an HttpOnly cookie that is not the token", async () => {
		const wrong = await login("not-the-token");
		expect(wrong.status).toBe(401);
		expect(await wrong.text()).toContain("That token is not right");

		const right = await login(TOKEN);
		expect(right.status).toBe(303);
		expect(right.headers.get("location")).toBe("/admin");
		const cookie = right.headers.get("set-cookie")!;
		expect(cookie).toMatch(/^__Host-admin_session=\d+\.[0-9a-f]{64}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
		expect(cookie).not.toContain(TOKEN);

		const session = cookie.split(";")[0];
		const page = await get(`/admin?since=${dayOf(seededDay)}`, { cookie: `other=1; ${session}` });
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html.match(/<svg class="chart"/g)).toHaveLength(7);
		expect(html).toContain(`data-label="${dayOf(seededDay)}" data-value="6"`);
		expect(html).toContain(`<td>${busy}</td><td>11</td><td>6</td><td>6,600</td><td>≥ $0.0014</td>`);
		expect((await get("/admin/metrics", { cookie: session })).status).toBe(200);
		const votes = await (await get(`/admin?since=${dayOf(votedDay)}`, { cookie: session })).text();
		expect(votes).toContain(`data-series="brief" data-label="${dayOf(votedDay)}" data-value="1"`);
		expect(votes).toContain(`data-series="gpt-4o-mini" data-label="${dayOf(votedDay)}" data-value="0.5"`);

		const [, expires, mac] = /=(\d+)\.([0-9a-f]+)/.exec(session)!;
		for (const forged of [
			`__Host-admin_session=${Number(expires) + 1}.${mac}`,
			`__Host-admin_session=${expires}.${mac.replace(/^./, (c) => (c === "0" ? "1" : "0"))}`,
		]) {
			expect((await get("/admin", { cookie: forged })).status).toBe(401);
		}
	});

	it("a session expires, ends when the token changes, and signing out clears it", async () => {
		const stale = (await sessionCookie(TOKEN, Date.now() - 13 * 3600_000)).split(";")[0];
		expect((await get("/admin", { cookie: stale })).status).toBe(401);
		const other = (await sessionCookie("an-older-token", Date.now())).split(";")[0];
		expect((await get("/admin", { cookie: other })).status).toBe(401);

		const logout = await exports.default.fetch(new Request("https://bot.test/admin/logout", { method: "POST", redirect: "manual" }));
		expect(logout.status).toBe(303);
		expect(logout.headers.get("set-cookie")).toMatch(/^__Host-admin_session=; Max-Age=0;/);
	});

	it("refuses a body that is not the login form", async () => {
		const json = await exports.default.fetch(
			new Request("https://bot.test/admin/login", {
				method: "POST",
				body: JSON.stringify({ token: TOKEN }),
				headers: { "content-type": "application/json" },
			}),
		);
		expect(json.status).toBe(400);
		expect(await json.json()).toEqual({ error: expect.stringContaining("login form") });
	});

	it("holds a chunked body to the form's limit, and answers 400 to a multipart body without its boundary", async () => {
		// No Content-Length: the limit holds as the bytes arrive.
		const chunked = new ReadableStream({
			start(controller) {
				for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(`token=${"x".repeat(1000)}&`));
				controller.close();
			},
		});
		const large = await exports.default.fetch(
			new Request("https://bot.test/admin/login", {
				method: "POST",
				body: chunked,
				headers: { "content-type": "application/x-www-form-urlencoded" },
				// @ts-expect-error: workerd's Request takes `duplex` for a streamed body, which its types omit.
				duplex: "half",
			}),
		);
		expect(large.status).toBe(413);
		const noBoundary = await exports.default.fetch(
			new Request("https://bot.test/admin/login", { method: "POST", body: "token=x", headers: { "content-type": "multipart/form-data" } }),
		);
		expect(noBoundary.status).toBe(400);
		expect(await noBoundary.json()).toEqual({ error: expect.stringContaining("login form") });
	});

	it("lets one address try to sign in ten times a minute, then tells it to wait", async () => {
		const attempt = () =>
			exports.default.fetch(
				new Request("https://bot.test/admin/login", {
					method: "POST",
					body: new URLSearchParams({ token: "a guess" }),
					headers: { "cf-connecting-ip": "203.0.113.7" },
				}),
			);
		for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
		const locked = await attempt();
		expect(locked.status).toBe(429);
		expect(locked.headers.get("retry-after")).toBe("60");
		// Another address is not held up by it.
		expect((await login("not-the-token")).status).toBe(401);
	});

	it("counts a wrong bearer token as a sign-in attempt: the header is no way around the limit", async () => {
		const guess = (path: string) =>
			exports.default.fetch(
				new Request(`https://bot.test${path}`, { headers: { authorization: "Bearer a guess", "cf-connecting-ip": "203.0.113.8" } }),
			);
		for (let i = 0; i < 10; i++) expect((await guess(i % 2 ? "/admin" : "/admin/metrics")).status).toBe(401);
		const locked = await guess("/admin/metrics");
		expect(locked.status).toBe(429);
		expect(locked.headers.get("retry-after")).toBe("60");
		expect((await guess("/admin")).status).toBe(429);
	});
});

describe("end to end", () => {
	it("a real /summarize with the LLM shows up with its tokens and estimated cost", async () => {
		bindings.OPENAI_API_KEY = "test-key";
		try {
			const guildId = id();
			const channelId = id();
			const [alice, bob] = [user("alice"), user("bob")];
			await seedChannel(channelId, [
				message(alice, "We decided to ship the release candidate on Friday after the migration passes staging", 0),
				message(bob, "I will rerun the staging migration tonight and post the timings in the release channel", 1),
				message(alice, "Then the budget review moves to next week so the team can focus on the release", 2),
			]);
			const interaction = summarize({}, { guildId, channelId });
			expect((await sendOk(interaction)).type).toBe(5);
			const [row] = await vi.waitUntil(
				async () => {
					const rows = await db.select().from(summaries).where(eq(summaries.id, interaction.id));
					return rows.length ? rows : false;
				},
				{ timeout: 15_000 },
			);
			expect(row.model).toBe("gpt-4o-mini");
			expect(row.costMicroUsd).toBe(estimateCostMicroUsd("gpt-4o-mini", row.tokensIn, row.tokensOut));
			expect(row.costMicroUsd).toBeGreaterThan(0);

			const metrics: Metrics = await (await get("/admin/metrics?since=1h", bearer)).json();
			const guild = metrics.topGuilds.find((entry) => entry.guildId === guildId);
			expect(guild).toEqual({
				guildId,
				requests: 1,
				delivered: 1,
				tokensIn: row.tokensIn,
				tokensOut: row.tokensOut,
				costMicroUsd: row.costMicroUsd,
				unpricedTokens: 0,
			});
			expect(metrics.days.at(-1)!.p50Ms).toBeGreaterThan(0);
		} finally {
			bindings.OPENAI_API_KEY = "";
		}
	});
});
