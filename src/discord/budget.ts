// The bot's one Discord budget, as the coordinator (coordinator.ts) keeps it: the global limit, the
// buckets Discord reports per route, and the leases of request slots handed to consumer isolates.
// Pure: time is passed in, and nothing here waits; the coordinator queues the asks it cannot grant yet.
import { MINUTE_MS, SECOND_MS } from "../lib/time";
import { type BucketHeaders, type BucketState, hold, majorOf, refill, UNKNOWN_BUCKET } from "./rate-limits";

/**
 * Discord's global limit: 50 requests a second per bot. A slot counts against it from its grant until a
 * window after its answer came. Discord received the request before it answered, so however long requests
 * take to get there, no window of Discord's holds more than the limit.
 */
export const GLOBAL = { limit: 50, windowMs: SECOND_MS };

export const LEASE = {
	/** A lease's slots must be sent within this long of asking; unused ones lapse. */
	validMs: SECOND_MS,
	/** Most slots one lease holds: enough for a reader's parallel segments, few enough to leave others theirs. */
	maxSlots: 8,
	/**
	 * A lease past its end by this much is forgotten, its unreported slots taken as answered: until then they
	 * count against the global limit, as a request may take that long (an isolate that died never reports).
	 */
	forgetAfterMs: 15 * SECOND_MS,
};

/** Invalid answers (401, 403, 429) allowed per 10 minutes, across isolates: a tenth of Discord's ban threshold. */
export const INVALID_REQUESTS = { limit: 1000, windowMs: 10 * MINUTE_MS };

/** One isolate's request for slots on a route, for a guild (the unit of fairness). */
export interface Ask {
	guild: string;
	route: string;
	/** Slots for requests waiting now. */
	slots: number;
	/** More, for the requests the route's pace says will follow within the lease: granted only from budget nobody waits for. */
	ahead?: number;
	/** Past this wait the request fails instead (the REST client's own bound). */
	maxWaitMs: number;
}

export interface Grant {
	lease: string;
	slots: number;
	/** From when the isolate asked: its own clock, so no clock need agree with the coordinator's. */
	validMs: number;
}

/** What became of one slot, told as soon as it is known: what Discord answered (0 for no answer), or `null` if it was not used. */
export interface Outcome {
	lease: string;
	route: string;
	/** Null: the slot lapsed or was never needed. */
	status: number | null;
	/** How long before it was told the answer came: the coordinator's clock then is no earlier than the answer. */
	answeredMsAgo?: number;
	bucket?: BucketHeaders;
	/** A 429's wait, and whether it held every route. */
	retryAfterMs?: number;
	global?: boolean;
}

interface Lease {
	route: string;
	/** Slots neither reported sent nor given back. */
	open: number;
	/** The coordinator's clock: the isolate's own end comes earlier, as it counts from before the grant. */
	until: number;
}

/** Two answers whose reset falls this close belong to the same window: the lower `remaining` is the newer. */
const SAME_WINDOW_MS = 250;
/** Past this many buckets, idle ones are forgotten (every interaction token and channel is a route). */
const REMEMBERED_BUCKETS = 5000;

/** What Discord counts towards its ban. */
function isInvalid(status: number | null): boolean {
	return status === 401 || status === 403 || status === 429;
}

export class Budget {
	private readonly leases = new Map<string, Lease>();
	/** When each reported send stops counting against the global limit. */
	private sentEnds: number[] = [];
	private readonly buckets = new Map<string, BucketState>();
	/** Route → its bucket's key (Discord's bucket id and the route's major parameter), once an answer named it. */
	private readonly routes = new Map<string, string>();
	private nextLease = 0;

	/**
	 * `prefix` tells this instance's leases from an evicted one's. `quietUntil`: an earlier instance may
	 * have leased slots still usable until then, in numbers unknown, so the budget is full until a window after.
	 */
	constructor(
		private readonly prefix: string,
		private quietUntil = Number.NEGATIVE_INFINITY,
		public globalUntil = 0,
	) {}

	/** Global slots free now. */
	globalFree(now: number): number {
		if (this.globalUntil > now) return 0;
		if (this.quietUntil + GLOBAL.windowMs > now) return 0;
		return GLOBAL.limit - this.occupied(now);
	}

	/** Slots free now on the route's bucket: what Discord last said is left, less the slots leased and not yet reported. */
	routeFree(route: string, now: number): number {
		const key = this.keyOf(route);
		const bucket = this.bucketOf(key, now);
		let open = 0;
		for (const lease of this.leases.values()) if (this.keyOf(lease.route) === key) open += lease.open;
		return Math.max(0, bucket.remaining - open);
	}

	/** When the route may have room again; Infinity when only reports of its open slots can free it. */
	routeResetAt(route: string, now: number): number {
		return this.bucketOf(this.keyOf(route), now).resetAt;
	}

	/** When the global budget frees a slot, or lifts a hold: the coordinator's next look. */
	nextGlobalChange(now: number): number {
		const quiet = this.quietUntil + GLOBAL.windowMs;
		if (this.globalUntil > now || quiet > now) return Math.max(this.globalUntil, quiet);
		let next = Number.POSITIVE_INFINITY;
		for (const end of this.sentEnds) if (end > now) next = Math.min(next, end);
		for (const lease of this.leases.values()) if (lease.open > 0) next = Math.min(next, lease.until + LEASE.forgetAfterMs);
		return next;
	}

	/** Hands out `slots` on `route`; the caller checked they are free. */
	grant(route: string, slots: number, now: number): Grant {
		const lease = `${this.prefix}${(this.nextLease++).toString(36)}`;
		this.leases.set(lease, { route, open: slots, until: now + LEASE.validMs });
		return { lease, slots, validMs: LEASE.validMs };
	}

	/** The latest end of a lease handed out: what a later instance must wait for, if this one is evicted. */
	leasedUntil(): number {
		let until = 0;
		for (const lease of this.leases.values()) until = Math.max(until, lease.until);
		return until;
	}

	/** Learns from what became of leased slots; returns how many were invalid requests. */
	settle(outcomes: readonly Outcome[], now: number): number {
		let invalid = 0;
		for (const outcome of outcomes) {
			const lease = this.leases.get(outcome.lease);
			if (lease) lease.open = Math.max(0, lease.open - 1);
			if (outcome.status === null) continue;
			if (isInvalid(outcome.status)) invalid++;
			// Discord received it before it answered, at most this long ago. (A lease of an evicted instance is
			// unknown here, but its answers still count and teach.)
			this.sentEnds.push(now - (outcome.answeredMsAgo ?? 0) + GLOBAL.windowMs);
			if (outcome.status === 429 && outcome.retryAfterMs !== undefined)
				this.limited(outcome.route, outcome.retryAfterMs, !!outcome.global, now);
			else if (outcome.bucket) this.learn(outcome.route, outcome.bucket, now);
		}
		return invalid;
	}

	/** A 429 holds its route (or every route) for every isolate alike. */
	private limited(route: string, retryAfterMs: number, global: boolean, now: number): void {
		if (global) {
			this.globalUntil = Math.max(this.globalUntil, now + retryAfterMs);
			return;
		}
		hold(this.bucketOf(this.keyOf(route), now), retryAfterMs, now);
	}

	/** Drops what no longer counts: sends past their window, leases long over, buckets idle. */
	sweep(now: number): void {
		this.sentEnds = this.sentEnds.filter((end) => end > now);
		for (const [id, lease] of this.leases) if (lease.until + LEASE.forgetAfterMs <= now) this.leases.delete(id);
		if (this.buckets.size <= REMEMBERED_BUCKETS) return;
		const busy = new Set([...this.leases.values()].map((lease) => this.keyOf(lease.route)));
		for (const [key, bucket] of this.buckets) {
			if (!busy.has(key) && !(Number.isFinite(bucket.resetAt) && bucket.resetAt > now)) this.buckets.delete(key);
		}
		for (const [route, key] of this.routes) if (!this.buckets.has(key)) this.routes.delete(route);
	}

	private occupied(now: number): number {
		let occupied = 0;
		for (const end of this.sentEnds) if (end > now) occupied++;
		// A slot not yet reported may be on its way to Discord.
		for (const lease of this.leases.values()) occupied += lease.open;
		return occupied;
	}

	/** The route's bucket: Discord's, once an answer named it, else the route's own. */
	keyOf(route: string): string {
		return this.routes.get(route) ?? route;
	}

	private bucketOf(key: string, now: number): BucketState {
		let bucket = this.buckets.get(key);
		if (!bucket) {
			bucket = { ...UNKNOWN_BUCKET };
			this.buckets.set(key, bucket);
		}
		refill(bucket, now);
		return bucket;
	}

	private learn(route: string, headers: BucketHeaders, now: number): void {
		const key = `${headers.id}:${majorOf(route)}`;
		const before = this.keyOf(route);
		if (before !== key) {
			// The route's bucket is now known by Discord's name, which other routes may share.
			this.routes.set(route, key);
			if (!this.buckets.has(key)) this.buckets.set(key, this.buckets.get(before) ?? { ...UNKNOWN_BUCKET });
			if (before === route) this.buckets.delete(route);
		}
		const bucket = this.bucketOf(key, now);
		const resetAt = now + headers.resetAfterMs;
		// A report that arrives after its window ended, or of an older window, says nothing of the current one.
		if (resetAt <= now || (Number.isFinite(bucket.resetAt) && resetAt < bucket.resetAt - SAME_WINDOW_MS)) return;
		bucket.limit = headers.limit;
		const sameWindow = Number.isFinite(bucket.resetAt) && Math.abs(resetAt - bucket.resetAt) <= SAME_WINDOW_MS;
		bucket.remaining = sameWindow ? Math.min(bucket.remaining, headers.remaining) : headers.remaining;
		bucket.resetAt = sameWindow ? Math.max(bucket.resetAt, resetAt) : resetAt;
	}
}

/**
 * Splits `free` global slots among the asks waiting, given per guild in turn order: one slot to each
 * guild in turn, to its first ask that wants more and whose route has room, round after round. A guild
 * with a thousand asks waiting gets no more per round than one with a single ask, so a 10,000-message job
 * slows the others by one guild's share, not by its length. `given` holds what earlier splits gave (it is
 * added to); `want` says how many an ask wants in all; `bucketOf` names the bucket a route's room is in
 * (routes may share one).
 */
export function share<W extends { route: string }>(
	turns: readonly (readonly W[])[],
	free: number,
	routeFree: (route: string) => number,
	want: (ask: W) => number,
	{ given = new Map<W, number>(), bucketOf = (route: string) => route } = {},
): Map<W, number> {
	const roomLeft = new Map<string, number>();
	const left = (route: string) => roomLeft.get(bucketOf(route)) ?? routeFree(route);
	const take = (route: string, slots: number) => roomLeft.set(bucketOf(route), left(route) - slots);
	for (const [ask, slots] of given) take(ask.route, slots);
	for (let progressed = true; free > 0 && progressed; ) {
		progressed = false;
		for (const asks of turns) {
			if (free === 0) break;
			const ask = asks.find((waiting) => (given.get(waiting) ?? 0) < want(waiting) && left(waiting.route) > 0);
			if (!ask) continue;
			given.set(ask, (given.get(ask) ?? 0) + 1);
			take(ask.route, 1);
			free--;
			progressed = true;
		}
	}
	return given;
}
