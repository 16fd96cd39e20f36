// What the REST client knows of Discord's rate limits, learned from the X-RateLimit-* headers of its
// answers: per route, how many requests remain until when, and whether a global limit is in force.
// Routes keep their major parameter (channel, guild, webhook), as Discord's buckets do. Pure: time is passed in.
import { SECOND_MS } from "../lib/time";

/** The first part of a path whose id is a major parameter, which Discord keeps buckets per. */
const MAJOR = /^(channels|guilds|webhooks)$/;

/** A route as Discord limits it: the method and the path with ids folded, except the major parameter. */
export function routeKey(method: string, path: string): string {
	const parts = path.split("?")[0].split("/").filter(Boolean);
	const folded = parts.map((part, i) => {
		const major = i === 1 && MAJOR.test(parts[0]);
		const webhookToken = i === 2 && parts[0] === "webhooks";
		return !major && !webhookToken && /^\d{15,21}$/.test(part) ? ":id" : part;
	});
	return `${method} /${folded.join("/")}`;
}

/** The route's major parameter (a channel, guild or webhook id), which Discord's buckets are kept per; "" for none. */
export function majorOf(route: string): string {
	const [, first, id] = route.split(" ")[1]?.split("/") ?? [];
	return MAJOR.test(first ?? "") ? (id ?? "") : "";
}

/**
 * A route fit for a message: a webhook's token (an interaction's among them) lets anyone edit its
 * messages for as long as it lives, so it stays in the bucket's key and never reaches an error or a log.
 */
export function routeLabel(route: string): string {
	return route.replace(/^(\S+ \/webhooks\/[^/]+\/)[^/]+/, "$1:token");
}

/** A Discord bucket as an isolate (this file) or the coordinator (budget.ts) knows it. */
export interface BucketState {
	/** The bucket's size, once an answer has said it. */
	limit: number;
	remaining: number;
	/** When `remaining` goes back to `limit`; Infinity when unknown until the next answer. */
	resetAt: number;
}

/** A bucket as an answer's X-RateLimit-* headers describe it. */
export interface BucketHeaders {
	/** Discord's name for the bucket, which routes may share. */
	id: string;
	limit: number;
	remaining: number;
	resetAfterMs: number;
}

/**
 * What an answer's X-RateLimit-* headers say of its bucket (`id` when Discord names it), or undefined when
 * they say nothing usable: a count that is no number would otherwise lift the limit it stands for.
 */
export function readBucketHeaders(headers: Headers): (Omit<BucketHeaders, "id"> & { id?: string }) | undefined {
	const remaining = headers.get("x-ratelimit-remaining");
	const resetAfter = headers.get("x-ratelimit-reset-after");
	if (remaining === null || resetAfter === null) return undefined;
	const bucket = {
		limit: Number(headers.get("x-ratelimit-limit") ?? remaining),
		remaining: Number(remaining),
		resetAfterMs: Number(resetAfter) * SECOND_MS,
	};
	if (!Object.values(bucket).every((value) => Number.isFinite(value) && value >= 0)) return undefined;
	const id = headers.get("x-ratelimit-bucket");
	return id === null ? bucket : { ...bucket, id };
}

/** While a route's limits are unknown, one request at a time probes them. */
export const UNKNOWN_BUCKET: BucketState = { limit: 1, remaining: 1, resetAt: Number.POSITIVE_INFINITY };

/** A bucket whose window has passed is full again, until an answer says when it next resets. */
export function refill(bucket: BucketState, now: number): void {
	if (bucket.resetAt > now) return;
	bucket.remaining = bucket.limit;
	bucket.resetAt = Number.POSITIVE_INFINITY;
}

/** A 429 on the bucket's route: nothing more goes out on it for `retryAfterMs`. */
export function hold(bucket: BucketState, retryAfterMs: number, now: number): void {
	bucket.remaining = 0;
	bucket.resetAt = now + retryAfterMs;
}

interface Bucket extends BucketState {
	/** Sent and not yet answered: the server's `remaining` doesn't count them yet. */
	inFlight: number;
}
/** How long to wait when only answers still in flight can free a slot. */
const IN_FLIGHT_WAIT_MS = 25;
/**
 * Every interaction token is a route of its own (webhooks' major parameter), so a long-lived consumer
 * isolate would remember one bucket per job forever. Past this many, buckets with nothing in flight
 * and nothing left to wait for are forgotten: the next request on such a route probes it again.
 */
export const REMEMBERED_BUCKETS = 1000;

export class RateLimits {
	private readonly buckets = new Map<string, Bucket>();
	private globalUntil = 0;
	private sweepAt = REMEMBERED_BUCKETS;

	/** Milliseconds to wait before sending on `route`; 0 means go now: a slot is taken and `settle` must follow. */
	take(route: string, now: number): number {
		if (this.globalUntil > now) return this.globalUntil - now;
		let bucket = this.buckets.get(route);
		if (!bucket) {
			if (this.buckets.size >= this.sweepAt) this.forgetIdle(now);
			bucket = { ...UNKNOWN_BUCKET, inFlight: 0 };
			this.buckets.set(route, bucket);
		}
		refill(bucket, now);
		if (bucket.remaining - bucket.inFlight <= 0) {
			return Number.isFinite(bucket.resetAt) ? bucket.resetAt - now : IN_FLIGHT_WAIT_MS;
		}
		bucket.inFlight++;
		return 0;
	}

	/** Frees the slot `take` gave and learns from the answer's headers, when there was an answer. */
	settle(route: string, headers: Headers | undefined, now: number): void {
		const bucket = this.buckets.get(route);
		if (!bucket) return;
		bucket.inFlight = Math.max(0, bucket.inFlight - 1);
		const said = headers && readBucketHeaders(headers);
		if (!said) return;
		bucket.limit = said.limit;
		bucket.remaining = said.remaining;
		bucket.resetAt = now + said.resetAfterMs;
	}

	/** Records a 429: nothing more goes out on that route (or anywhere, when global) for `retryAfterMs`. */
	limited(route: string, retryAfterMs: number, global: boolean, now: number): void {
		if (global) {
			this.globalUntil = Math.max(this.globalUntil, now + retryAfterMs);
			return;
		}
		const bucket = this.buckets.get(route) ?? { ...UNKNOWN_BUCKET, inFlight: 0 };
		hold(bucket, retryAfterMs, now);
		this.buckets.set(route, bucket);
	}

	/** How many routes are remembered (for tests). */
	get size(): number {
		return this.buckets.size;
	}

	private forgetIdle(now: number): void {
		for (const [route, bucket] of this.buckets) {
			const waiting = Number.isFinite(bucket.resetAt) && bucket.resetAt > now;
			if (bucket.inFlight === 0 && !waiting) this.buckets.delete(route);
		}
		// When most buckets are busy, sweeping again at the next insertion would cost O(n) each time.
		this.sweepAt = Math.max(REMEMBERED_BUCKETS, 2 * this.buckets.size);
	}
}
