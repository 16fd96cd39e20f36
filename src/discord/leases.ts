// A consumer isolate's side of the coordinator (coordinator.ts): the slots it leased, per route, and what
// became of them. A request takes a leased slot when there is one (no round trip); else it asks the
// coordinator for as many as its route has been using lately, so a history reader's next pages find
// theirs waiting. What became of each slot goes back at once, in one report at a time, or with an ask.
import { LEASE, type Outcome } from "./budget";
import type { Answer, Coordinator } from "./coordinator";
import type { BucketHeaders } from "./rate-limits";

/** A slot taken: the lease it came from, for its outcome. */
export interface Slot {
	lease: string;
	route: string;
}

/** What Discord answered a request sent on a slot. */
export interface Answered {
	/** 0 when no answer came (the request may have reached Discord all the same). */
	status: number;
	bucket?: BucketHeaders;
	retryAfterMs?: number;
	global?: boolean;
}

/** Why a slot could not be had: the REST client turns it into its own error. */
export type Refusal = { refused: "breaker" } | { refused: "wait"; waitMs: number } | { unavailable: unknown };

export class RefusedError extends Error {
	constructor(readonly refusal: Refusal) {
		super("refused" in refusal ? refusal.refused : "coordinator unavailable");
	}
}

interface RouteLease {
	lease?: string;
	left: number;
	/** This isolate's clock, counted from before it asked: earlier than the coordinator's end of the lease. */
	expiresAt: number;
	/** Requests on this route waiting here for a slot. */
	waiting: number;
	asking?: Promise<void>;
	/** When slots were taken on this route lately: how many to ask for next. */
	takenAt: number[];
}

const REMEMBERED_ROUTES = 1000;

export class Leases {
	private readonly routes = new Map<string, RouteLease>();
	/** Outcomes not yet told, with when each answer came (told as how long ago, so no clock need agree). */
	private done: { outcome: Outcome; at: number }[] = [];
	private reporting: Promise<void> | undefined;

	constructor(
		private readonly coordinator: Coordinator,
		private readonly now: () => number,
	) {}

	/** A slot on `route` for `guild`: at once from a lease held here, else once the coordinator grants one. */
	async take(route: string, guild: string, maxWaitMs: number): Promise<Slot> {
		const state = this.stateOf(route);
		const since = this.now();
		state.waiting++;
		try {
			for (;;) {
				const now = this.now();
				// The coordinator holds an ask a while, then says to ask again: a request waits no longer than it may in all.
				if (now - since > maxWaitMs) throw new RefusedError({ refused: "wait", waitMs: now - since });
				if (state.lease && state.left > 0 && now < state.expiresAt) {
					state.left--;
					state.takenAt = [...state.takenAt.filter((at) => at > now - LEASE.validMs), now];
					// A route in steady use asks for its next slots before it runs out: its next request waits for no round trip.
					if (state.left === 0 && state.takenAt.length > 1) this.ask(route, guild, state, maxWaitMs, true).catch(() => undefined);
					return { lease: state.lease, route };
				}
				if (now >= state.expiresAt) this.release(route, state);
				await this.ask(route, guild, state, maxWaitMs - (now - since));
			}
		} finally {
			state.waiting--;
		}
	}

	/**
	 * Records what Discord answered on a slot, and tells the coordinator at once: other asks (this isolate's
	 * among them) may wait on it, for a bucket's room or a 429. One report at a time; what comes meanwhile
	 * goes in the next, or with an ask.
	 */
	settle(slot: Slot, answered: Answered): void {
		this.done.push({ outcome: { lease: slot.lease, route: slot.route, ...answered }, at: this.now() });
		this.report();
	}

	/**
	 * Gives back the slots no request waits for, sends what is not yet reported, and waits for the reports
	 * under way: at the end of a batch, whose timers and unsent reports would not outlive it, and would
	 * leave the coordinator counting those slots until it forgets their lease.
	 */
	async flush(): Promise<void> {
		for (const [route, state] of this.routes) if (!state.waiting && !state.asking) this.release(route, state);
		while (this.reporting || this.done.length) {
			this.report();
			await this.reporting;
		}
	}

	private report(): void {
		if (this.reporting || !this.done.length) return;
		const done = this.told(this.done.splice(0));
		// Lost with the coordinator, outcomes cost nothing but caution: unreported slots count until it forgets their lease.
		this.reporting = this.coordinator
			.report(done)
			.then(
				() => undefined,
				() => undefined,
			)
			.then(() => {
				this.reporting = undefined;
				this.report();
			});
	}

	/** Outcomes as told: each with how long ago its answer came. */
	private told(pending: { outcome: Outcome; at: number }[]): Outcome[] {
		const now = this.now();
		return pending.map(({ outcome, at }) => (outcome.status === null ? outcome : { ...outcome, answeredMsAgo: now - at }));
	}

	/** One ask per route at a time: requests that arrive meanwhile wait for it, and take what it brings. */
	private ask(route: string, guild: string, state: RouteLease, maxWaitMs: number, ahead = false): Promise<void> {
		state.asking ??= this.askNow(route, guild, state, maxWaitMs, ahead).finally(() => {
			state.asking = undefined;
		});
		return state.asking;
	}

	/** `ahead`: asked before any request waits (the one that asks has its slot). */
	private async askNow(route: string, guild: string, state: RouteLease, maxWaitMs: number, ahead: boolean): Promise<void> {
		const askedAt = this.now();
		// A route taken from more than once lately is read page after page: ask for a lease's worth of its pace too.
		const recent = state.takenAt.filter((at) => at > askedAt - LEASE.validMs).length;
		const slots = ahead ? 0 : Math.max(1, state.waiting);
		const pending = this.done.splice(0);
		let answer: Answer;
		try {
			answer = await this.coordinator.acquire({ guild, route, slots, ahead: recent > 1 ? recent : 0, maxWaitMs }, this.told(pending));
		} catch (error) {
			this.done.unshift(...pending);
			throw new RefusedError({ unavailable: error });
		}
		if ("refused" in answer) throw new RefusedError(answer);
		if ("again" in answer) return;
		this.release(route, state);
		const { lease } = answer.grant;
		state.lease = lease;
		state.left = answer.grant.slots;
		state.expiresAt = askedAt + answer.grant.validMs;
		// Slots left when the lease ends go back at once: until then the coordinator holds them for this isolate.
		setTimeout(() => {
			if (state.lease !== lease) return;
			this.release(route, state);
			this.report();
		}, answer.grant.validMs);
	}

	/** Gives back the slots of a lease unused (it ended, or a newer one replaces it), with the next report. */
	private release(route: string, state: RouteLease): void {
		const at = this.now();
		if (state.lease) for (let i = 0; i < state.left; i++) this.done.push({ outcome: { lease: state.lease, route, status: null }, at });
		state.lease = undefined;
		state.left = 0;
	}

	private stateOf(route: string): RouteLease {
		let state = this.routes.get(route);
		if (!state) {
			// Every channel read is a route of its own: a long-lived isolate forgets those it is done with.
			if (this.routes.size >= REMEMBERED_ROUTES) this.forgetIdle();
			state = { left: 0, expiresAt: 0, waiting: 0, takenAt: [] };
			this.routes.set(route, state);
		}
		return state;
	}

	private forgetIdle(): void {
		const now = this.now();
		for (const [route, state] of this.routes) {
			if (state.waiting || state.asking || now < state.expiresAt) continue;
			this.release(route, state);
			this.routes.delete(route);
		}
	}
}
