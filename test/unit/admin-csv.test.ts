// CSV as RFC 4180 has it: CRLF after every record, quotes only where needed, quotes doubled.
import { describe, expect, it } from "vitest";
import { metricsCsv, toCsv } from "../../src/admin/csv";
import type { Metrics } from "../../src/admin/metrics";

describe("toCsv", () => {
	it("writes a header and rows, ending every record with CRLF", () => {
		expect(
			toCsv(
				["a", "b"],
				[
					[1, "x"],
					[2.5, null],
				],
			),
		).toBe("a,b\r\n1,x\r\n2.5,\r\n");
		expect(toCsv(["only"], [])).toBe("only\r\n");
	});

	it("quotes fields with a comma, quote or line break, doubling quotes", () => {
		expect(toCsv(["v"], [["a,b"], ['say "hi"'], ["two\nlines"], ["cr\r"], ["plain text"]])).toBe(
			'v\r\n"a,b"\r\n"say ""hi"""\r\n"two\nlines"\r\n"cr\r"\r\nplain text\r\n',
		);
	});
});

describe("metricsCsv", () => {
	const metrics: Metrics = {
		since: "2026-11-01T00:00:00.000Z",
		until: "2026-11-02T10:00:00.000Z",
		days: [
			{
				day: "2026-11-01",
				requests: 3,
				outcomes: { delivered: 2, cached: 1, joined: 0, rate_limited: 0, refused: 0, failed: 0, expired: 0 },
				cacheHitRate: 1 / 3,
				p50Ms: 900,
				p95Ms: 1500,
				tokensIn: 10,
				tokensOut: 5,
				costMicroUsd: 7,
				unpricedTokens: 0,
			},
			{
				day: "2026-11-02",
				requests: 0,
				outcomes: { delivered: 0, cached: 0, joined: 0, rate_limited: 0, refused: 0, failed: 0, expired: 0 },
				cacheHitRate: null,
				p50Ms: null,
				p95Ms: null,
				tokensIn: 0,
				tokensOut: 0,
				costMicroUsd: 0,
				unpricedTokens: 0,
			},
		],
		topGuilds: [{ guildId: "123", requests: 3, delivered: 2, tokensIn: 10, tokensOut: 5, costMicroUsd: 7, unpricedTokens: 0 }],
		budgets: { day: "2026-11-02", overall: { used: 0, limit: null }, guilds: [] },
		votes: { up: 0, down: 0, helpfulRate: null, byStyle: {}, bySummarizer: {}, days: [] },
	};

	it("has one row per day, empty cells for what a day does not have", () => {
		expect(metricsCsv(metrics, "days").split("\r\n")).toEqual([
			"day,requests,delivered,cached,joined,rate_limited,refused,failed,expired,cache_hit_rate,p50_ms,p95_ms,tokens_in,tokens_out,cost_micro_usd,unpriced_tokens",
			"2026-11-01,3,2,1,0,0,0,0,0,0.3333,900,1500,10,5,7,0",
			"2026-11-02,0,0,0,0,0,0,0,0,,,,0,0,0,0",
			"",
		]);
	});

	it("has one row per top guild", () => {
		expect(metricsCsv(metrics, "guilds")).toBe(
			"guild_id,requests,delivered,tokens_in,tokens_out,cost_micro_usd,unpriced_tokens\r\n123,3,2,10,5,7,0\r\n",
		);
	});
});
