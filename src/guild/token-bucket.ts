// Token buckets kept as a single time (GCRA): no counter to refill and nothing to sweep for correctness.

export interface BucketRule {
	/** Requests allowed at once (the burst). */
	capacity: number;
	/** One request's worth of refill, in ms. */
	refillMs: number;
}

/**
 * `tat` ("theoretical arrival time") is when the bucket will be full again; undefined or past means full.
 * Taking a token pushes it one refill later; a request conforms while `tat` stays within capacity refills of now.
 */
export function take(tat: number | undefined, rule: BucketRule, now: number): { ok: true; tat: number } | { ok: false; retryAt: number } {
	const next = Math.max(tat ?? now, now) + rule.refillMs;
	const allowedAt = next - rule.capacity * rule.refillMs;
	return allowedAt <= now ? { ok: true, tat: next } : { ok: false, retryAt: allowedAt };
}

/** Undoes one `take`, for a request that was admitted but could not be started. */
export function giveBack(tat: number, rule: BucketRule): number {
	return tat - rule.refillMs;
}

export const DEFAULT_LIMITS = {
	/** 30 summaries an hour per guild, 10 at once. */
	guild: { capacity: 10, refillMs: 120_000 },
	/** 6 summaries per 10 minutes per member. */
	user: { capacity: 6, refillMs: 100_000 },
} satisfies Record<string, BucketRule>;
