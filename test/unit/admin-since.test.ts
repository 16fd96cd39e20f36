// `since` for /admin: durations back from now, ISO dates and times (UTC unless a zone is given),
// at most 90 days back, never in the future; anything else a 400 saying what is accepted.
import { describe, expect, it } from "vitest";
import { parseSince } from "../../src/admin/since";
import { HttpError } from "../../src/lib/http-error";

const NOW = Date.UTC(2026, 10, 22, 15, 30);
const HOUR = 3_600_000;

function refusal(input: string): HttpError {
	try {
		parseSince(input, NOW);
	} catch (error) {
		if (error instanceof HttpError) return error;
		throw error;
	}
	throw new Error(`${input} was accepted`);
}

describe("parseSince", () => {
	it("defaults to 7 days", () => {
		expect(parseSince(null, NOW).getTime()).toBe(NOW - 7 * 24 * HOUR);
		expect(parseSince("  ", NOW).getTime()).toBe(NOW - 7 * 24 * HOUR);
	});

	it("reads durations, up to 90 days", () => {
		expect(parseSince("24h", NOW).getTime()).toBe(NOW - 24 * HOUR);
		expect(parseSince("1w", NOW).getTime()).toBe(NOW - 7 * 24 * HOUR);
		expect(parseSince("90d", NOW).getTime()).toBe(NOW - 90 * 24 * HOUR);
		expect(parseSince("1h30m", NOW).getTime()).toBe(NOW - 1.5 * HOUR);
	});

	it("reads ISO dates and times; a time without a zone is UTC", () => {
		expect(parseSince("2026-11-01", NOW).toISOString()).toBe("2026-11-01T00:00:00.000Z");
		expect(parseSince("2026-11-20T08:15", NOW).toISOString()).toBe("2026-11-20T08:15:00.000Z");
		expect(parseSince("2026-11-20T08:15:30.5Z", NOW).toISOString()).toBe("2026-11-20T08:15:30.500Z");
		expect(parseSince("2026-11-20T08:15:00-05:00", NOW).toISOString()).toBe("2026-11-20T13:15:00.000Z");
		expect(parseSince("2026-08-25", NOW).toISOString()).toBe("2026-08-25T00:00:00.000Z");
	});

	it("refuses what is not a date, time or duration, with a 400 that says what is", () => {
		for (const input of [
			"yesterday",
			"2026-02-30",
			"2026-13-01",
			"2026-11-20T25:00",
			"2026-11-20T08:61Z",
			"2026/11/20",
			"7",
			"-7d",
			"1700000000000",
		]) {
			const error = refusal(input);
			expect(error.status, input).toBe(400);
			expect(error.publicMessage, input).toMatch(/ISO date or time .* duration|not a duration/);
		}
	});

	it("refuses more than 90 days back, the future, and less than a minute", () => {
		expect(refusal("91d").publicMessage).toMatch(/at most 90 days/);
		expect(refusal("2026-08-24").publicMessage).toMatch(/at most 90 days/);
		expect(refusal("2026-11-22T16:00Z").publicMessage).toMatch(/future/);
		expect(refusal("0m").publicMessage).toMatch(/at least one minute/);
		expect(refusal("91d").publicMessage).not.toContain("`");
	});
});
