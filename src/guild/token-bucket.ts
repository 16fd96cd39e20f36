// Token buckets kept as a single time (GCRA): no counter to refill and nothing to sweep for correctness.

export interface BucketRule {
	/** Requests allowed at once (the burst). */
	capacity: number;
	/** One request's worth of refill, in ms. */
	refillMs: number;
}

/** What a request of `cost` tokens takes from a bucket of `rule`: never more than the bucket holds when full. */
export function costIn(rule: BucketRule, cost: number): number {
	return Math.min(cost, rule.capacity);
}

/**
 * `tat` ("theoretical arrival time") is when the bucket will be full again; undefined or past means full.
 * Taking a token pushes it one refill later; a request conforms while `tat` stays within capacity refills of now.
 */
export function take(
	tat: number | undefined,
	rule: BucketRule,
	now: number,
	cost = 1,
): { ok: true; tat: number } | { ok: false; retryAt: number } {
	const next = Math.max(tat ?? now, now) + costIn(rule, cost) * rule.refillMs;
	const allowedAt = next - rule.capacity * rule.refillMs;
	return allowedAt <= now ? { ok: true, tat: next } : { ok: false, retryAt: allowedAt };
}

/** Undoes a `take` of `cost`, for a request that was admitted but could not be started. */
export function giveBack(tat: number, rule: BucketRule, cost = 1): number {
	return tat - costIn(rule, cost) * rule.refillMs;
}

/**
 * Takes `cost` tokens for work already done (a range found larger once read): the bucket may be left
 * empty, never in more debt than a full bucket, so the next request waits at most a full refill.
 */
export function charge(tat: number | undefined, rule: BucketRule, now: number, cost: number): number {
	return Math.min(Math.max(tat ?? now, now) + cost * rule.refillMs, now + rule.capacity * rule.refillMs);
}

export const DEFAULT_LIMITS = {
	/** 30 summaries an hour per guild, 10 at once. */
	guild: { capacity: 10, refillMs: 120_000 },
	/** 6 summaries per 10 minutes per member. */
	user: { capacity: 6, refillMs: 100_000 },
} satisfies Record<string, BucketRule>;
