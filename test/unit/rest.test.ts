import { describe, expect, it } from "vitest";
import { INVALID_REQUESTS } from "../../src/discord/budget";
import { RateLimits, REMEMBERED_BUCKETS, readBucketHeaders, routeKey, routeLabel } from "../../src/discord/rate-limits";
import { DiscordError, DiscordRest } from "../../src/discord/rest";

function limitHeaders(remaining: number, resetAfter: number, limit = 5) {
	return {
		"x-ratelimit-limit": String(limit),
		"x-ratelimit-remaining": String(remaining),
		"x-ratelimit-reset-after": String(resetAfter),
		"x-ratelimit-bucket": "abc",
	};
}

/** A scripted Discord: answers in order, on a clock that only moves when the client sleeps. */
function scripted(answers: (() => Response)[]) {
	let clock = 1_000_000;
	const sleeps: number[] = [];
	const requests: Request[] = [];
	const rest = new DiscordRest({
		base: "http://discord.test/api/v10",
		token: "bot-token",
		fetch: async (input, init) => {
			requests.push(new Request(input, init));
			const next = answers.shift();
			if (!next) throw new Error("no more scripted answers");
			return next();
		},
		sleep: async (ms) => {
			sleeps.push(ms);
			clock += ms;
		},
		now: () => clock,
		random: () => 0.5,
	});
	return { rest, sleeps, requests };
}

describe("routeKey", () => {
	it("keeps the major parameter and folds other ids", () => {
		expect(routeKey("GET", "/channels/123456789012345678/messages?limit=100")).toBe("GET /channels/123456789012345678/messages");
		expect(routeKey("GET", "/channels/123456789012345678/messages/223456789012345678")).toBe(
			"GET /channels/123456789012345678/messages/:id",
		);
		expect(routeKey("PATCH", "/webhooks/123456789012345678/tok.en/messages/@original")).toBe(
			"PATCH /webhooks/123456789012345678/tok.en/messages/@original",
		);
	});

	it("is shown with a webhook's token hidden, other routes as they are", () => {
		expect(routeLabel("PATCH /webhooks/123456789012345678/tok.en/messages/@original")).toBe(
			"PATCH /webhooks/123456789012345678/:token/messages/@original",
		);
		expect(routeLabel("POST /webhooks/123456789012345678/tok.en")).toBe("POST /webhooks/123456789012345678/:token");
		expect(routeLabel("GET /channels/123456789012345678/messages")).toBe("GET /channels/123456789012345678/messages");
	});
});

describe("RateLimits", () => {
	it("probes an unknown route one request at a time, then uses what the answer said", () => {
		const limits = new RateLimits();
		expect(limits.take("r", 0)).toBe(0);
		expect(limits.take("r", 0)).toBeGreaterThan(0);
		limits.settle("r", new Headers(limitHeaders(2, 1)), 0);
		expect([limits.take("r", 0), limits.take("r", 0), limits.take("r", 0)]).toEqual([0, 0, 1000]);
		expect(limits.take("r", 1000)).toBe(0);
	});

	it("ignores headers whose counts are no numbers, instead of lifting the limit they stand for", () => {
		const limits = new RateLimits();
		expect(limits.take("r", 0)).toBe(0);
		limits.settle("r", new Headers({ ...limitHeaders(2, 1), "x-ratelimit-remaining": "many" }), 0);
		// Still unknown: one probe at a time.
		expect(limits.take("r", 0)).toBe(0);
		expect(limits.take("r", 0)).toBeGreaterThan(0);
	});

	it("holds a route after a 429 and everything after a global one", () => {
		const limits = new RateLimits();
		limits.limited("a", 2000, false, 0);
		expect(limits.take("a", 0)).toBe(2000);
		expect(limits.take("b", 0)).toBe(0);
		limits.limited("b", 500, true, 0);
		expect(limits.take("c", 100)).toBe(400);
	});

	it("forgets idle routes (one per interaction token) but keeps those in use or waiting", () => {
		const limits = new RateLimits();
		limits.take("busy", 0);
		limits.limited("waiting", 60_000, false, 0);
		for (let job = 0; job < 5 * REMEMBERED_BUCKETS; job++) {
			const route = `PATCH /webhooks/1/token-${job}/messages/@original`;
			expect(limits.take(route, job)).toBe(0);
			limits.settle(route, new Headers(limitHeaders(4, 0.001)), job);
		}
		expect(limits.size).toBeLessThanOrEqual(REMEMBERED_BUCKETS + 1);
		expect(limits.take("busy", 5000)).toBeGreaterThan(0);
		expect(limits.take("waiting", 5000)).toBe(55_000);
	});
});

describe("readBucketHeaders", () => {
	it("reads a bucket Discord names, and one it does not (the limit defaults to what remains)", () => {
		expect(readBucketHeaders(new Headers(limitHeaders(3, 1.5)))).toEqual({ id: "abc", limit: 5, remaining: 3, resetAfterMs: 1500 });
		expect(readBucketHeaders(new Headers({ "x-ratelimit-remaining": "2", "x-ratelimit-reset-after": "0.25" }))).toEqual({
			limit: 2,
			remaining: 2,
			resetAfterMs: 250,
		});
	});

	it("says nothing for missing or malformed counts", () => {
		const malformed: Record<string, string>[] = [
			{},
			{ "x-ratelimit-remaining": "1" },
			{ ...limitHeaders(1, 1), "x-ratelimit-remaining": "one" },
			{ ...limitHeaders(1, 1), "x-ratelimit-remaining": "-1" },
			{ ...limitHeaders(1, 1), "x-ratelimit-reset-after": "soon" },
			{ ...limitHeaders(1, 1), "x-ratelimit-limit": "Infinity" },
		];
		for (const headers of malformed) expect(readBucketHeaders(new Headers(headers))).toBeUndefined();
	});
});

describe("DiscordRest", () => {
	it("sends the bot token and a DiscordBot user agent", async () => {
		const { rest, requests } = scripted([() => Response.json([{ id: "1" }])]);
		expect(await rest.get("/channels/1/messages?limit=100")).toEqual([{ id: "1" }]);
		expect(requests[0].url).toBe("http://discord.test/api/v10/channels/1/messages?limit=100");
		expect(requests[0].headers.get("authorization")).toBe("Bot bot-token");
		expect(requests[0].headers.get("user-agent")).toMatch(/^DiscordBot \(https?:\/\/\S+, \d+\.\d+\.\d+\)$/);
	});

	it("honours a 429's retry_after, then succeeds", async () => {
		const { rest, sleeps } = scripted([
			() =>
				Response.json(
					{ message: "You are being rate limited.", retry_after: 1.25, global: false },
					{ status: 429, headers: limitHeaders(0, 1.25) },
				),
			() => Response.json({ ok: true }, { headers: limitHeaders(4, 1) }),
		]);
		expect(await rest.get("/channels/1/messages")).toEqual({ ok: true });
		expect(sleeps).toEqual([1250]);
	});

	it("waits for the bucket to reset instead of sending into a 429", async () => {
		const { rest, sleeps, requests } = scripted([
			() => Response.json([], { headers: limitHeaders(0, 2) }),
			() => Response.json([], { headers: limitHeaders(4, 2) }),
		]);
		await rest.get("/channels/1/messages");
		await rest.get("/channels/1/messages");
		expect(sleeps).toEqual([2000]);
		expect(requests).toHaveLength(2);
	});

	it("retries 5xx and network errors with growing backoff", async () => {
		const { rest, sleeps } = scripted([
			() => new Response("bad gateway", { status: 502 }),
			() => {
				throw new TypeError("connection reset");
			},
			() => Response.json({ ok: 1 }),
		]);
		expect(await rest.get("/channels/1")).toEqual({ ok: 1 });
		expect(sleeps).toEqual([250, 500]);
	});

	it.each([401, 403, 404])("never retries a %i, and says what Discord said", async (status) => {
		const { rest, requests } = scripted([() => Response.json({ message: "Missing Access", code: 50001 }, { status })]);
		const error = await rest.get("/channels/1/messages").catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DiscordError);
		expect(error).toMatchObject({ status, code: 50001, message: expect.stringContaining("Missing Access") });
		expect(requests).toHaveLength(1);
	});

	it("names a failed webhook call without its token", async () => {
		const { rest } = scripted([() => Response.json({ message: "Unknown Webhook", code: 10015 }, { status: 404 })]);
		const error = await rest
			.request("PATCH", "/webhooks/123456789012345678/secret-token/messages/@original", {}, { auth: false })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({
			status: 404,
			message: "PATCH /webhooks/123456789012345678/:token/messages/@original: 404 Unknown Webhook",
		});
	});

	it("gives up after its attempts, and on a wait longer than allowed", async () => {
		const { rest } = scripted(Array.from({ length: 5 }, () => () => new Response("", { status: 500 })));
		await expect(rest.get("/x")).rejects.toMatchObject({ status: 500 });
		const long = scripted([() => Response.json({ retry_after: 3600, global: false }, { status: 429 })]);
		await expect(long.rest.get("/x")).rejects.toMatchObject({ status: 429 });
	});

	it("takes a 429 without a scope (Cloudflare's ban of the bot's address) as holding every route", async () => {
		const { rest, requests } = scripted([
			() => new Response("error code: 1015", { status: 429, headers: { "retry-after": "3600" } }),
			() => Response.json([]),
		]);
		await expect(rest.get("/channels/1/messages")).rejects.toMatchObject({ status: 429 });
		await expect(rest.get("/channels/2/messages")).rejects.toMatchObject({ status: 429 });
		expect(requests).toHaveLength(1);
	});

	it("opens the breaker before invalid requests approach Discord's ban threshold", async () => {
		const { rest, requests } = scripted(
			Array.from(
				{ length: INVALID_REQUESTS.limit + 1 },
				() => () => Response.json({ message: "Missing Access", code: 50001 }, { status: 403 }),
			),
		);
		for (let i = 0; i < INVALID_REQUESTS.limit; i++) await rest.get(`/channels/${i}/messages`).catch(() => undefined);
		await expect(rest.get("/channels/x/messages")).rejects.toThrow(/holding off/);
		expect(requests).toHaveLength(INVALID_REQUESTS.limit);
	});
});
