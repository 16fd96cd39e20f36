// The bot's Discord coordinator: one Durable Object that every consumer isolate asks before a Discord
// REST call made with the bot's token (interaction webhooks don't count against the bot's limits, and
// don't ask). It holds the one budget (budget.ts) and hands out leases of request slots; asks it cannot
// grant yet wait here, shared fairly between guilds. What must outlive an eviction is in its SQLite: how
// long leases it handed out may still be used, a global 429's hold, and the invalid requests of the last
// 10 minutes, on which the breaker opens for every isolate at once.

import { DurableObject } from "cloudflare:workers";
import { MINUTE_MS, SECOND_MS } from "../lib/time";
import { type Ask, Budget, type Grant, INVALID_REQUESTS, LEASE, type Outcome, share } from "./budget";

export type Answer =
	| { grant: Grant }
	/** Too many invalid requests lately, across isolates: nothing is sent for a while. */
	| { refused: "breaker" }
	/** The route (or every route) is held longer than the ask would wait. */
	| { refused: "wait"; waitMs: number }
	/** Waited a long while without a slot: ask again (an RPC is not held open for ever). */
	| { again: true };

/** What a consumer isolate needs of the coordinator: its stub, or a stand-in in unit tests of the REST client. */
export interface Coordinator {
	acquire(ask: Ask, done: Outcome[]): Promise<Answer>;
	report(done: Outcome[]): Promise<void>;
}

interface Waiter extends Ask {
	ahead: number;
	since: number;
	resolve(answer: Answer): void;
}

/** Asks granted at most this often while they wait: a few slots per lease, not one each time one frees. */
const TICK_MS = 50;
/** An ask waits at most this long before it is told to ask again. */
const POLL_MS = 20 * SECOND_MS;

export class DiscordCoordinator extends DurableObject<Env> {
	private readonly budget: Budget;
	/** Asks waiting, per guild, in turn order: a guild served goes to the back. */
	private readonly waiting = new Map<string, Waiter[]>();
	private timer: ReturnType<typeof setTimeout> | undefined;
	/** How long leases may be in use, as stored: written ahead, so not at every grant. */
	private storedLeasedUntil: number;
	private storedGlobalUntil: number;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		const { sql } = ctx.storage;
		sql.exec(`CREATE TABLE IF NOT EXISTS holds (id INTEGER PRIMARY KEY CHECK (id = 1), leased_until INTEGER NOT NULL, global_until INTEGER NOT NULL);
			CREATE TABLE IF NOT EXISTS invalid (minute INTEGER PRIMARY KEY, count INTEGER NOT NULL);`);
		const held = sql.exec<{ leased_until: number; global_until: number }>("SELECT leased_until, global_until FROM holds").toArray()[0];
		this.storedLeasedUntil = held?.leased_until ?? 0;
		this.storedGlobalUntil = held?.global_until ?? 0;
		// Leases of an evicted instance are unknown: the budget is held full until the last of them is over.
		this.budget = new Budget(`${crypto.randomUUID().slice(0, 8)}.`, held?.leased_until, this.storedGlobalUntil);
	}

	/** Slots on a route for a guild, now or once the budget and the guilds waiting before it allow. */
	acquire(ask: Ask, done: Outcome[]): Promise<Answer> | Answer {
		const now = Date.now();
		this.settle(done, now);
		if (this.breakerOpen(now)) return { refused: "breaker" };
		const waitMs = this.knownWait(ask.route, now);
		if (waitMs > ask.maxWaitMs) return { refused: "wait", waitMs };
		const slots = clamp(ask.slots, 0, LEASE.maxSlots);
		const ahead = clamp(ask.ahead ?? 0, 0, LEASE.maxSlots - slots);
		// Asked only ahead of need: granted from budget nobody waits for, or not at all.
		if (slots === 0) {
			const free = this.waiting.size ? 0 : Math.min(ahead, this.budget.globalFree(now), this.budget.routeFree(ask.route, now));
			if (free === 0) return { again: true };
			const grant = this.budget.grant(ask.route, free, now);
			this.store();
			return { grant };
		}
		return new Promise<Answer>((resolve) => {
			const waiter: Waiter = { ...ask, slots, ahead, since: now, resolve };
			const queued = this.waiting.get(ask.guild);
			if (queued) queued.push(waiter);
			else this.waiting.set(ask.guild, [waiter]);
			this.pump();
		});
	}

	/** What became of leased slots, told as soon as the isolate knows: asks here may be waiting on it. */
	report(done: Outcome[]): void {
		this.settle(done, Date.now());
		this.pump();
	}

	private settle(done: readonly Outcome[], now: number): void {
		if (!done.length) return;
		const invalid = this.budget.settle(done, now);
		const { sql } = this.ctx.storage;
		if (invalid) {
			sql.exec(
				"INSERT INTO invalid (minute, count) VALUES (?, ?) ON CONFLICT (minute) DO UPDATE SET count = count + excluded.count",
				Math.floor(now / MINUTE_MS),
				invalid,
			);
			sql.exec("DELETE FROM invalid WHERE minute < ?", Math.floor((now - INVALID_REQUESTS.windowMs) / MINUTE_MS));
		}
		this.store();
	}

	/** The breaker counts whole minutes: it may open up to a minute's worth early, never late. */
	private breakerOpen(now: number): boolean {
		const since = Math.floor((now - INVALID_REQUESTS.windowMs) / MINUTE_MS);
		const { count } = this.ctx.storage.sql
			.exec<{ count: number }>("SELECT COALESCE(SUM(count), 0) AS count FROM invalid WHERE minute >= ?", since)
			.one();
		return count >= INVALID_REQUESTS.limit;
	}

	/** How long a new ask on `route` must wait at least, from what is known now. */
	private knownWait(route: string, now: number): number {
		const global = this.budget.globalUntil - now;
		const resetAt = this.budget.routeResetAt(route, now);
		const routeWait = this.budget.routeFree(route, now) === 0 && Number.isFinite(resetAt) ? resetAt - now : 0;
		return Math.max(0, global, routeWait);
	}

	/** Grants what the budget allows to the asks waiting, in turn; then sleeps until it may allow more. */
	private pump(): void {
		const now = Date.now();
		this.budget.sweep(now);
		for (const [guild, waiters] of this.waiting) {
			const live = waiters.filter((waiter) => {
				if (now - waiter.since < POLL_MS) return true;
				waiter.resolve({ again: true });
				return false;
			});
			if (live.length) this.waiting.set(guild, live);
			else this.waiting.delete(guild);
		}
		const turns = [...this.waiting.values()];
		const free = this.budget.globalFree(now);
		const routeFree = (route: string) => this.budget.routeFree(route, now);
		// What requests wait for first, then what their routes' pace asks ahead, from what is left.
		const bucketOf = (route: string) => this.budget.keyOf(route);
		const given = share(turns, free, routeFree, (waiter) => waiter.slots, { bucketOf });
		const needed = [...given.values()].reduce((sum, slots) => sum + slots, 0);
		const ahead = (waiter: Waiter) => (given.get(waiter) === waiter.slots ? waiter.slots + waiter.ahead : 0);
		share(turns, free - needed, routeFree, ahead, { given, bucketOf });
		const served = new Set<string>();
		for (const [waiter, slots] of given) {
			waiter.resolve({ grant: this.budget.grant(waiter.route, slots, now) });
			served.add(waiter.guild);
		}
		for (const guild of served) {
			const left = this.waiting.get(guild)?.filter((waiter) => !given.has(waiter)) ?? [];
			this.waiting.delete(guild);
			if (left.length) this.waiting.set(guild, left);
		}
		this.store();
		this.schedule(now);
	}

	/** Wakes when a slot frees, a hold ends or a route resets; reports and new asks wake it sooner. */
	private schedule(now: number): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		if (!this.waiting.size) return;
		let at = this.budget.nextGlobalChange(now);
		for (const waiters of this.waiting.values()) {
			for (const waiter of waiters) at = Math.min(at, waiter.since + POLL_MS, this.budget.routeResetAt(waiter.route, now));
		}
		if (Number.isFinite(at)) this.timer = setTimeout(() => this.pump(), Math.max(TICK_MS, at - now));
	}

	/** Keeps what an eviction must not forget, written ahead by a lease's length so a busy second costs one write. */
	private store(): void {
		const leasedUntil = this.budget.leasedUntil();
		const { globalUntil } = this.budget;
		if (leasedUntil <= this.storedLeasedUntil && globalUntil <= this.storedGlobalUntil) return;
		if (leasedUntil > this.storedLeasedUntil) this.storedLeasedUntil = leasedUntil + LEASE.validMs;
		this.storedGlobalUntil = Math.max(this.storedGlobalUntil, globalUntil);
		this.ctx.storage.sql.exec(
			"INSERT OR REPLACE INTO holds (id, leased_until, global_until) VALUES (1, ?, ?)",
			this.storedLeasedUntil,
			this.storedGlobalUntil,
		);
	}
}

function clamp(value: number, min: number, max: number): number {
	return Math.max(min, Math.min(max, Math.floor(value)));
}

/** The bot's one coordinator: a single object for the bot's token, whichever isolate asks (tests name others). */
export function coordinatorOf(env: Pick<Env, "DISCORD_COORDINATOR">, name = "bot"): Coordinator {
	const stub = () => env.DISCORD_COORDINATOR.getByName(name);
	return {
		acquire: (ask, done) => stub().acquire(ask, done),
		report: (done) => stub().report(done),
	};
}
