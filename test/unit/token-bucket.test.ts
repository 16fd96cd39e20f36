import { describe, expect, it } from "vitest";
import { type BucketRule, giveBack, take } from "../../src/guild/token-bucket";

const rule: BucketRule = { capacity: 3, refillMs: 1000 };

function drain(count: number, now: number, start?: number) {
	let tat = start;
	const results: boolean[] = [];
	for (let i = 0; i < count; i++) {
		const result = take(tat, rule, now);
		results.push(result.ok);
		if (result.ok) tat = result.tat;
	}
	return { tat, results };
}

describe("token bucket", () => {
	it("allows exactly the capacity at once, then says when the next token comes", () => {
		const { tat, results } = drain(5, 10_000);
		expect(results).toEqual([true, true, true, false, false]);
		expect(take(tat, rule, 10_000)).toEqual({ ok: false, retryAt: 11_000 });
	});

	it("refills one token per refill period", () => {
		const { tat } = drain(3, 10_000);
		expect(take(tat, rule, 10_999).ok).toBe(false);
		const next = take(tat, rule, 11_000);
		expect(next.ok).toBe(true);
		if (next.ok) expect(take(next.tat, rule, 11_000).ok).toBe(false);
	});

	it("is full again after capacity × refill, however long ago it was used", () => {
		const { tat } = drain(3, 10_000);
		expect(drain(4, 13_000, tat).results).toEqual([true, true, true, false]);
		expect(drain(4, 1_000_000, tat).results).toEqual([true, true, true, false]);
	});

	it("gives back a token", () => {
		const { tat } = drain(3, 10_000);
		expect(take(giveBack(tat!, rule), rule, 10_000).ok).toBe(true);
	});
});
