// Estimated cost: list prices per million tokens, rounded up to the micro-dollar; unknown stays unknown.
import { describe, expect, it } from "vitest";
import { estimateCostMicroUsd, formatCost } from "../../src/metrics/cost";

describe("estimateCostMicroUsd", () => {
	it("prices input and output tokens at the model's list price", () => {
		// gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
		expect(estimateCostMicroUsd("gpt-4o-mini", 1_000_000, 0)).toBe(150_000);
		expect(estimateCostMicroUsd("gpt-4o-mini", 0, 1_000_000)).toBe(600_000);
		expect(estimateCostMicroUsd("gpt-4o-mini", 12_000, 800)).toBe(1800 + 480);
		expect(estimateCostMicroUsd("gpt-4o", 1000, 1000)).toBe(2500 + 10_000);
	});

	it("prices a dated snapshot as its model, whatever the case", () => {
		expect(estimateCostMicroUsd("gpt-4o-mini-2024-07-18", 1000, 1000)).toBe(estimateCostMicroUsd("gpt-4o-mini", 1000, 1000));
		expect(estimateCostMicroUsd(" GPT-4o-Mini ", 1000, 0)).toBe(150);
	});

	it("rounds up, so a priced request with tokens is never free", () => {
		expect(estimateCostMicroUsd("gpt-5-nano", 1, 0)).toBe(1);
		expect(estimateCostMicroUsd("gpt-4o-mini", 3, 1)).toBe(2);
		// Exact in integers: 100 × 1.1 is 110.00000000000001 in floating point, which would round up to 111.
		expect(estimateCostMicroUsd("o3-mini", 100, 0)).toBe(110);
	});

	it("is unknown for a model without a price, and nothing for no tokens or the extractive summarizer", () => {
		expect(estimateCostMicroUsd("llama-3.1-70b", 1000, 100)).toBeUndefined();
		expect(estimateCostMicroUsd(undefined, 1000, 100)).toBeUndefined();
		expect(estimateCostMicroUsd("gpt-4o-mini-turbo", 1000, 100)).toBeUndefined();
		expect(estimateCostMicroUsd("llama-3.1-70b", 0, 0)).toBe(0);
		expect(estimateCostMicroUsd("extractive", 0, 0)).toBe(0);
		expect(estimateCostMicroUsd(undefined, 0, 0)).toBe(0);
	});
});

describe("formatCost", () => {
	it("shows dollars, '—' when nothing had a price, and '≥' when only some did", () => {
		expect(formatCost(2280, 0)).toBe("$0.0023");
		expect(formatCost(12_345_678, 0)).toBe("$12.35");
		expect(formatCost(0, 0)).toBe("$0.0000");
		expect(formatCost(0, 500)).toBe("—");
		expect(formatCost(2280, 500)).toBe("≥ $0.0023");
		expect(formatCost(1450, 0)).toBe("$0.0015");
		expect(formatCost(1_005_000, 0)).toBe("$1.01");
	});
});
