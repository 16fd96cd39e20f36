import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/lib/duration";

const MAX = 14 * 86_400;

describe("parseDuration", () => {
	it.each([
		["30m", 1800],
		["6h", 21_600],
		["2d", 172_800],
		["1w", 604_800],
		["1h30m", 5400],
		["1h 30m", 5400],
		[" 2 Days ", 172_800],
		["90 minutes", 5400],
		["14d", MAX],
		["2w", MAX],
	])("reads %j as %i seconds", (input, seconds) => {
		expect(parseDuration(input, MAX)).toEqual({ ok: true, value: seconds });
	});

	it.each(["", "abc", "30", "m", "5x", "1h30", "-1h", "1.5h", "30m!"])("rejects %j with the accepted forms", (input) => {
		const result = parseDuration(input, MAX);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toContain("`30m`");
	});

	it("rejects under a minute and over the maximum, naming the limit", () => {
		expect(parseDuration("0m", MAX)).toMatchObject({ ok: false, error: expect.stringContaining("at least one minute") });
		expect(parseDuration("15d", MAX)).toMatchObject({ ok: false, error: expect.stringContaining("14 days") });
		expect(parseDuration("3w", MAX)).toMatchObject({ ok: false });
		expect(parseDuration("99999999999999999999w", MAX)).toMatchObject({ ok: false });
	});
});
