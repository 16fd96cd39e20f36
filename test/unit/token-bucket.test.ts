import { describe, expect, it } from "vitest";
import { type BucketRule, charge, giveBack, take } from "../../src/guild/token-bucket";

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

describe("token bucket, charged by size", () => {
	it("takes a request's cost at once, and never more than the bucket holds when full", () => {
		const taken = take(undefined, rule, 10_000, 2);
		expect(taken).toEqual({ ok: true, tat: 12_000 });
		if (taken.ok) expect(take(taken.tat, rule, 10_000, 2)).toEqual({ ok: false, retryAt: 11_000 });
		// A request larger than the bucket empties a full one, rather than never fitting.
		const large = take(undefined, rule, 10_000, 50);
		expect(large).toEqual({ ok: true, tat: 13_000 });
		expect(giveBack(13_000, rule, 50)).toBe(10_000);
	});

	it("charges work already done into an empty bucket, never deeper than a full bucket's refill", () => {
		expect(charge(undefined, rule, 10_000, 2)).toBe(12_000);
		expect(charge(12_000, rule, 10_000, 5)).toBe(13_000);
		expect(take(13_000, rule, 10_999).ok).toBe(false);
		expect(take(13_000, rule, 11_000).ok).toBe(true);
	});
});
