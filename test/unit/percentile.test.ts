// Nearest-rank percentiles: the smallest value that at least p% of the values do not exceed.
import { describe, expect, it } from "vitest";
import { percentile, percentileOffset } from "../../src/metrics/percentile";

describe("percentile", () => {
	it("picks the nearest rank", () => {
		const five = [1000, 2000, 3000, 4000, 10_000];
		expect(percentile(five, 50)).toBe(3000);
		expect(percentile(five, 95)).toBe(10_000);
		const six = [500, 1000, 2000, 3000, 4000, 10_000];
		expect(percentile(six, 50)).toBe(2000);
		expect(percentile(six, 95)).toBe(10_000);
		const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
		expect(percentile(hundred, 50)).toBe(50);
		expect(percentile(hundred, 95)).toBe(95);
		expect(percentile(hundred, 100)).toBe(100);
		expect(percentile(hundred.slice(0, 20), 95)).toBe(19);
	});

	it("has an answer for one value and none for no values", () => {
		expect(percentile([7], 50)).toBe(7);
		expect(percentile([7], 95)).toBe(7);
		expect(percentile([], 50)).toBeNull();
	});

	it("stays within the values for every count, where floating point would drift", () => {
		for (let count = 1; count <= 1000; count++) {
			for (const percent of [1, 7, 50, 95, 99, 100]) {
				const offset = percentileOffset(count, percent);
				expect(offset).toBeGreaterThanOrEqual(0);
				expect(offset).toBeLessThan(count);
				// At least percent% of the values are at or below it, and fewer below the one before.
				expect((offset + 1) * 100).toBeGreaterThanOrEqual(count * percent);
				expect(offset * 100).toBeLessThan(count * percent);
			}
		}
	});
});
