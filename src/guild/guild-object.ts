// The guild's Durable Object: one per guild, deciding every summary request in a single call. Each concern
// keeps its own table in the object's SQLite storage (storage.ts: the schema and its version), so limits,
// recent summaries, jobs in flight and the LLM's spans survive eviction. This class is the RPC surface:
// it decides, and the stores remember.
import { DurableObject } from "cloudflare:workers";
import {
	admissionCost,
	extraCost,
	needsConfirmation,
	type Range,
	type Run,
	type SummaryJob,
	summaryRun,
	type Unchosen,
} from "../domain/job";
import type { Span } from "../domain/summary";
import { hideSecrets, log, reason } from "../lib/log";
import { DAY_MS, SECOND_MS } from "../lib/time";
import { Buckets } from "./buckets";
import { ConfigStore } from "./config-store";
import { Flights, type Joiner, joinerOf } from "./flights";
import { Runs } from "./runs";
import { type GuildConfig, limitsOf, resolveJob } from "./settings";
import { SpanStore } from "./span-store";
import { type Expiring, migrate } from "./storage";
import { SummaryCache, type SummaryMessage } from "./summary-cache";

export type { Joiner } from "./flights";
export type { SummaryMessage } from "./summary-cache";

export type Admission =
	| { outcome: "hit"; summary: SummaryMessage; expiresAt: number }
	| { outcome: "denied"; scope: "guild" | "user"; retryAt: number }
	| { outcome: "joined" }
	| { outcome: "admitted" }
	| { outcome: "failed" }
	/** A large range neither cached nor running: the member sees an estimate first, and nothing is taken or started. */
	| { outcome: "confirm" };

/** The decision, with the job as decided: the guild's defaults filled in, and the key of that summary. */
export type Decision = Admission & { job: SummaryJob };

/**
 * Whether a queue delivery of a job should run it, and until when its result can be delivered: not when it
 * is done, nor while another delivery runs it, nor once nobody waiting for it can be answered.
 */
export type Claim = { state: "run"; until: number; generation: number } | { state: "running" } | { state: "done" } | { state: "expired" };

/** What a finished job leaves in the cache: its summary under its key, and its other styles under theirs. */
export interface Cached {
	ttlSeconds: number;
	summaries: { key: string; summary: SummaryMessage }[];
}

const CHOSEN: Unchosen = { style: false, language: false };
/** How long a finished run is remembered, so a repeated queue delivery does nothing: past any queue retry. */
const DONE_TTL_MS = DAY_MS;

export class GuildObject extends DurableObject<Env> {
	private readonly config: ConfigStore;
	private readonly buckets: Buckets;
	private readonly cache: SummaryCache;
	private readonly flights: Flights;
	private readonly runs: Runs;
	private readonly spanStore: SpanStore;
	// Enqueues still under way, by flight key: a request that joins one must learn if it failed.
	// Memory is enough, as they last one queue send.
	private readonly enqueues = new Map<string, Promise<unknown>>();
	/** When the alarm is set to fire: null for none, undefined until read after the object starts. */
	private alarmAt: number | null | undefined;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		hideSecrets(env);
		migrate(ctx.storage);
		const { sql } = ctx.storage;
		this.config = new ConfigStore(sql);
		this.buckets = new Buckets(sql);
		this.cache = new SummaryCache(sql);
		this.flights = new Flights(sql);
		this.runs = new Runs(sql);
		this.spanStore = new SpanStore(ctx.storage);
	}

	/** Takes the guild's limits and defaults, unless newer ones are already here; says whether it took them. */
	configure(config: GuildConfig): boolean {
		return this.config.put(config);
	}

	settings(): GuildConfig {
		return this.config.get();
	}

	/**
	 * Decides a summary request: answer from the cache, deny, join the same job in flight, or start it.
	 * What the member left `unchosen` takes the guild's default first, so the key names the summary made.
	 */
	async admit(asked: SummaryJob, unchosen: Unchosen = CHOSEN): Promise<Decision> {
		const config = this.config.get();
		const job = resolveJob(asked, unchosen, config);
		return { ...(await this.decide(job, config)), job };
	}

	private async decide(job: SummaryJob, config: GuildConfig): Promise<Admission> {
		const now = Date.now();
		// A Refresh asks for more than the cached summary holds.
		const cached = job.fresh ? undefined : this.cache.get(job.key, now);
		if (cached) return { outcome: "hit", ...cached };

		const run = summaryRun(job);
		const leader = this.flights.flying(run.flight, now);
		if (leader) {
			this.flights.join(run.flight, leader, joinerOf(job));
			const enqueue = this.enqueues.get(run.flight);
			return enqueue
				? enqueue.then(
						(): Admission => ({ outcome: "joined" }),
						(): Admission => ({ outcome: "failed" }),
					)
				: { outcome: "joined" };
		}

		if (needsConfirmation(job)) return { outcome: "confirm" };
		const limits = limitsOf(config);
		const cost = admissionCost(job.range);
		const denied = this.buckets.takeBoth(limits, job.userId, now, cost);
		if (denied) return { outcome: "denied", ...denied };
		this.flights.start(run);

		const enqueue = this.env.SUMMARY_QUEUE.send({ ...job, admittedAt: Date.now() });
		this.enqueues.set(run.flight, enqueue);
		try {
			await enqueue;
		} catch (error) {
			this.buckets.giveBackBoth(limits, job.userId, cost);
			this.flights.land(run);
			log({ event: "job.enqueue_failed", guild: job.guildId, reason: reason(error) });
			return { outcome: "failed" };
		} finally {
			this.enqueues.delete(run.flight);
		}
		await this.alarmBy(run.expiresAt);
		return { outcome: "admitted" };
	}

	/** Charges the member and the guild for the part of `range` that was only known to be large once read. */
	chargeRead(userId: string, range: Range, read: number): void {
		const cost = extraCost(range, read);
		// The buckets are swept by the alarm the run's end sets.
		if (cost) this.buckets.chargeBoth(limitsOf(this.config.get()), userId, Date.now(), cost);
	}

	/**
	 * A catch-up's run, its start found, follows the run making the summary of that range (`flight`, its
	 * key): its member, and whoever joined it, join that run, and its own flights end ("joined"). With none
	 * flying, it flies under that key too ("lead"), so a later request for the same summary joins it.
	 * Single-flight of catch-ups is by the range they resolve to, which only reading the channel finds:
	 * the key they are asked by names the member, so their own repeats join at once, here.
	 */
	follow(run: Run, flight: string, requester: Joiner): "joined" | "lead" {
		const now = Date.now();
		return this.ctx.storage.transactionSync(() => {
			const leader = this.flights.flying(flight, now);
			if (leader === undefined || leader === run.id) {
				this.flights.start({ ...run, flight });
				return "lead";
			}
			for (const joiner of [requester, ...this.flights.land(run)]) this.flights.join(flight, leader, joiner);
			return "joined";
		});
	}

	/** Claims a run for one queue delivery for `leaseMs`; a delivery that finds it claimed, done or expired leaves it. */
	claim(run: Run, leaseMs: number): Claim {
		const now = Date.now();
		if (this.runs.isDone(run.id)) return { state: "done" };
		const until = this.flights.deadline(run);
		if (now >= until) return { state: "expired" };
		return this.flights.lease(run, now + leaseMs, now) ? { state: "run", until, generation: this.generation() } : { state: "running" };
	}

	/** Gives a claimed run back, so the next delivery can run it at once. */
	release(run: Run): void {
		this.flights.release(run);
	}

	/** Keeps a run's result until it is delivered, so a retry after a failed delivery doesn't make it again. */
	async keepResult(id: string, value: string, expiresAt: number): Promise<void> {
		this.runs.keep(id, value, expiresAt);
		await this.alarmBy(expiresAt);
	}

	keptResult(id: string): string | null {
		return this.runs.kept(id, Date.now());
	}

	/**
	 * Ends a run: remembers it done, caches what it made (nothing when it failed, or when it read the
	 * channel before an opt-out: an older `generation`), and hands back the interactions that joined it, so
	 * the consumer delivers to each.
	 */
	async finish(run: Run, cached: Cached | null = null, generation?: number): Promise<Joiner[]> {
		const now = Date.now();
		if (generation !== undefined && generation !== this.generation()) cached = null;
		const expiresAt = now + (cached?.ttlSeconds ?? 0) * SECOND_MS;
		const joiners = this.ctx.storage.transactionSync(() => {
			const landed = this.flights.land(run);
			this.runs.markDone(run.id, now + DONE_TTL_MS);
			for (const entry of cached?.summaries ?? []) this.cache.put(entry.key, entry.summary, now, expiresAt);
			return landed;
		});
		await this.alarmBy(cached ? Math.min(expiresAt, now + DONE_TTL_MS) : now + DONE_TTL_MS);
		return joiners;
	}

	/** The kept spans of `scope` that overlap the messages from `firstId` to `lastId`, oldest first. */
	spans(scope: string, firstId: string, lastId: string): Span[] {
		return this.spanStore.overlapping(scope, firstId, lastId, Date.now());
	}

	/** Keeps what the LLM said of `spans`, unless an opt-out came since the job read them (`generation`). */
	async putSpans(scope: string, spans: Span[], generation?: number): Promise<void> {
		if (generation !== undefined && generation !== this.generation()) return;
		await this.alarmBy(this.spanStore.put(scope, spans, Date.now()));
	}

	/**
	 * Forgets every cached summary and kept span: after an opt-out, they may hold the member's messages. The
	 * generation moves on, so jobs already reading cannot write theirs back.
	 */
	clearCache(): void {
		this.ctx.storage.transactionSync(() => {
			this.cache.clear();
			this.spanStore.clear();
			this.ctx.storage.sql.exec("UPDATE generation SET value = value + 1");
		});
	}

	private generation(): number {
		return this.ctx.storage.sql.exec<{ value: number }>("SELECT value FROM generation").one().value;
	}

	/** Drops what has expired, then sleeps until the next expiry. */
	async alarm(): Promise<void> {
		const now = Date.now();
		const entries: Expiring[] = [this.cache, this.flights, this.runs, this.spanStore];
		this.ctx.storage.transactionSync(() => {
			for (const store of [...entries, this.buckets]) store.expire(now);
		});
		// Next: the first entry to expire; with none left, the moment the last bucket is full again.
		const expiries = entries.map((store) => store.nextExpiry()).filter((at) => at !== null);
		const next = expiries.length ? Math.min(...expiries) : this.buckets.nextExpiry();
		this.alarmAt = null;
		if (next !== null) await this.alarmBy(next);
	}

	/** Makes sure the alarm fires no later than `time`. */
	private async alarmBy(time: number): Promise<void> {
		// The alarm time is remembered, so most calls cost no storage operation at all.
		if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
		if (this.alarmAt !== null && this.alarmAt <= time) return;
		await this.ctx.storage.setAlarm(time);
		this.alarmAt = time;
	}
}
