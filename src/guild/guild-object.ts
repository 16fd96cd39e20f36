// The guild's Durable Object: one per guild, deciding every summary request in a single call.
// It keeps the guild's limits and defaults, rate limits, recent summaries and jobs in flight in SQLite
// storage, so they survive eviction.
import { DurableObject } from "cloudflare:workers";
import type { APIInteractionResponseCallbackData } from "discord-api-types/v10";
import type { Span } from "../domain/summary";
import { flightKey, TOKEN_LIFETIME_MS, type SummaryJob, type Unchosen } from "../domain/job";
import { limitsOf, resolveJob, UNCONFIGURED, type GuildConfig } from "./settings";
import { giveBack, take, type BucketRule } from "./token-bucket";

/** A finished summary as Discord shows it; the visibility flags are set per answer. */
export type SummaryMessage = Pick<APIInteractionResponseCallbackData, "content" | "embeds" | "components">;

export type Admission =
	| { outcome: "hit"; summary: SummaryMessage; expiresAt: number }
	| { outcome: "denied"; scope: "guild" | "user"; retryAt: number }
	| { outcome: "joined" }
	| { outcome: "admitted" }
	| { outcome: "failed" };

/** The decision, with the job as decided: the guild's defaults filled in, and the key of that summary. */
export type Decision = Admission & { job: SummaryJob };

const CHOSEN: Unchosen = { style: false, language: false };

/** An interaction waiting for a job that another interaction started. */
export interface Joiner {
	interactionId: string;
	applicationId: string;
	token: string;
}

export const CACHE_LIMITS = { entries: 200, bytes: 4 * 1024 * 1024 };
/** The LLM's results per span of messages (summarizer/coverage.ts), kept for reuse by overlapping requests. */
export const SPAN_LIMITS = { entries: 1000, ttlMs: 60 * 60 * 1000 };
/** How long a finished job is remembered, so a repeated queue delivery does nothing: past any queue retry. */
const DONE_TTL_MS = 24 * 60 * 60 * 1000;

/** Whether a queue delivery of a job should run it: not when it is done, nor while another delivery runs it. */
export type Claim = "run" | "running" | "done";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, tat INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS summaries (
	key TEXT PRIMARY KEY, message TEXT NOT NULL, bytes INTEGER NOT NULL,
	created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
	key TEXT PRIMARY KEY, interaction_id TEXT NOT NULL, expires_at INTEGER NOT NULL, lease_until INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS done (interaction_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
DROP TABLE IF EXISTS partials;
CREATE TABLE IF NOT EXISTS spans (
	scope TEXT NOT NULL, first_id TEXT NOT NULL, last_id TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL,
	PRIMARY KEY (scope, first_id, last_id));
CREATE TABLE IF NOT EXISTS results (interaction_id TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS joiners (
	interaction_id TEXT PRIMARY KEY, key TEXT NOT NULL, application_id TEXT NOT NULL, token TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS joiners_by_key ON joiners (key);
CREATE TABLE IF NOT EXISTS config (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);
`;

export class GuildObject extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	// Enqueues still under way, by key: a request that joins one must learn if it failed.
	// Memory is enough, as they last one queue send.
	private readonly enqueues = new Map<string, Promise<unknown>>();
	/** When the alarm is set to fire: null for none, undefined until read after the object starts. */
	private alarmAt: number | null | undefined;
	/** The guild's settings, read from storage once per start of the object. */
	private config: GuildConfig | undefined;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.sql.exec(SCHEMA);
	}

	/** Takes the guild's limits and defaults, unless newer ones are already here; says whether it took them. */
	configure(config: GuildConfig): boolean {
		if (config.revision < this.settings().revision) return false;
		this.sql.exec("INSERT OR REPLACE INTO config (id, value) VALUES (1, ?)", JSON.stringify(config));
		this.config = config;
		return true;
	}

	settings(): GuildConfig {
		if (!this.config) {
			const stored = this.sql.exec<{ value: string }>("SELECT value FROM config").toArray()[0];
			this.config = stored ? (JSON.parse(stored.value) as GuildConfig) : UNCONFIGURED;
		}
		return this.config;
	}

	/**
	 * Decides a summary request: answer from the cache, deny, join the same job in flight, or start it.
	 * What the member left `unchosen` takes the guild's default first, so the key names the summary made.
	 */
	async admit(asked: SummaryJob, unchosen: Unchosen = CHOSEN): Promise<Decision> {
		const config = this.settings();
		const job = resolveJob(asked, unchosen, config);
		return { ...(await this.decide(job, config)), job };
	}

	private async decide(job: SummaryJob, config: GuildConfig): Promise<Admission> {
		const now = Date.now();
		// A Refresh asks for more than the cached summary holds.
		const cached = job.fresh
			? undefined
			: this.sql
					.exec<{ message: string; expires_at: number }>("SELECT message, expires_at FROM summaries WHERE key = ? AND expires_at > ?", job.key, now)
					.toArray()[0];
		if (cached) return { outcome: "hit", summary: JSON.parse(cached.message), expiresAt: cached.expires_at };

		const flight = flightKey(job);
		if (this.sql.exec("SELECT 1 FROM jobs WHERE key = ? AND expires_at > ?", flight, now).toArray().length) {
			this.sql.exec(
				"INSERT OR IGNORE INTO joiners (interaction_id, key, application_id, token) VALUES (?, ?, ?, ?)",
				job.interactionId,
				flight,
				job.applicationId,
				job.token,
			);
			const leader = this.enqueues.get(flight);
			return leader ? leader.then((): Admission => ({ outcome: "joined" }), (): Admission => ({ outcome: "failed" })) : { outcome: "joined" };
		}

		const buckets = { guild: "guild", user: `user:${job.userId}` };
		const limits = limitsOf(config);
		const guild = take(this.tat(buckets.guild), limits.guild, now);
		const user = take(this.tat(buckets.user), limits.user, now);
		if (!guild.ok || !user.ok) {
			const retryAt = Math.max(guild.ok ? 0 : guild.retryAt, user.ok ? 0 : user.retryAt);
			return { outcome: "denied", scope: !guild.ok && guild.retryAt === retryAt ? "guild" : "user", retryAt };
		}
		this.setTat(buckets.guild, guild.tat);
		this.setTat(buckets.user, user.tat);
		this.sql.exec(
			"INSERT OR REPLACE INTO jobs (key, interaction_id, expires_at) VALUES (?, ?, ?)",
			flight,
			job.interactionId,
			job.requestedAt + TOKEN_LIFETIME_MS,
		);

		const enqueue = this.env.SUMMARY_QUEUE.send({ ...job, admittedAt: Date.now() });
		this.enqueues.set(flight, enqueue);
		try {
			await enqueue;
		} catch (error) {
			this.refund(buckets.guild, limits.guild);
			this.refund(buckets.user, limits.user);
			this.sql.exec("DELETE FROM jobs WHERE key = ?", flight);
			this.sql.exec("DELETE FROM joiners WHERE key = ?", flight);
			console.error(JSON.stringify({ event: "job.enqueue_failed", guild: job.guildId, reason: String(error) }));
			return { outcome: "failed" };
		} finally {
			this.enqueues.delete(flight);
		}
		await this.alarmBy(job.requestedAt + TOKEN_LIFETIME_MS);
		return { outcome: "admitted" };
	}

	/** Claims a job for one queue delivery for `leaseMs`; a delivery that finds it claimed or done leaves it. */
	claim(job: Pick<SummaryJob, "key" | "fresh" | "interactionId" | "requestedAt">, leaseMs: number): Claim {
		const now = Date.now();
		const flight = flightKey(job);
		if (this.sql.exec("SELECT 1 FROM done WHERE interaction_id = ?", job.interactionId).toArray().length) return "done";
		const row = this.sql
			.exec<{ interaction_id: string; lease_until: number }>("SELECT interaction_id, lease_until FROM jobs WHERE key = ?", flight)
			.toArray()[0];
		if (row?.interaction_id === job.interactionId && row.lease_until > now) return "running";
		if (row && row.interaction_id !== job.interactionId) return "running";
		this.sql.exec(
			"INSERT OR REPLACE INTO jobs (key, interaction_id, expires_at, lease_until) VALUES (?, ?, ?, ?)",
			flight,
			job.interactionId,
			job.requestedAt + TOKEN_LIFETIME_MS,
			now + leaseMs,
		);
		return "run";
	}

	/** Keeps a job's result until it is delivered, so a retry after a failed delivery doesn't make it again. */
	async keepResult(interactionId: string, value: string, expiresAt: number): Promise<void> {
		this.sql.exec("INSERT OR REPLACE INTO results (interaction_id, value, expires_at) VALUES (?, ?, ?)", interactionId, value, expiresAt);
		await this.alarmBy(expiresAt);
	}

	keptResult(interactionId: string): string | null {
		return this.sql.exec<{ value: string }>("SELECT value FROM results WHERE interaction_id = ? AND expires_at > ?", interactionId, Date.now()).toArray()[0]?.value ?? null;
	}

	/** Gives a claimed job back, so the next delivery can run it at once. */
	release(job: Pick<SummaryJob, "key" | "fresh" | "interactionId">): void {
		this.sql.exec("UPDATE jobs SET lease_until = 0 WHERE key = ? AND interaction_id = ?", flightKey(job), job.interactionId);
	}

	/** The kept spans of `scope` that overlap the messages from `firstId` to `lastId`, oldest first. */
	spans(scope: string, firstId: string, lastId: string): Span[] {
		return this.sql
			.exec<{ value: string }>(
				"SELECT value FROM spans WHERE scope = ? AND first_id <= ? AND last_id >= ? AND expires_at > ? ORDER BY first_id",
				scope,
				sortable(lastId),
				sortable(firstId),
				Date.now(),
			)
			.toArray()
			.map((row) => JSON.parse(row.value) as Span);
	}

	async putSpans(scope: string, spans: Span[]): Promise<void> {
		const expiresAt = Date.now() + SPAN_LIMITS.ttlMs;
		this.ctx.storage.transactionSync(() => {
			for (const span of spans) {
				this.sql.exec(
					"INSERT OR REPLACE INTO spans (scope, first_id, last_id, value, expires_at) VALUES (?, ?, ?, ?, ?)",
					scope,
					sortable(span.firstId),
					sortable(span.lastId),
					JSON.stringify(span),
					expiresAt,
				);
			}
			this.sql.exec(
				"DELETE FROM spans WHERE rowid IN (SELECT rowid FROM spans ORDER BY expires_at DESC LIMIT -1 OFFSET ?)",
				SPAN_LIMITS.entries,
			);
		});
		await this.alarmBy(expiresAt);
	}

	/**
	 * Ends a job: caches its summary (none when it failed), and the same summary in other styles when
	 * they came free, and hands back the interactions that joined it, so the consumer delivers to each.
	 */
	async finish(
		job: Pick<SummaryJob, "key" | "fresh" | "cacheTtlSeconds"> & { interactionId?: string },
		summary: SummaryMessage | null,
		views: { key: string; summary: SummaryMessage }[] = [],
	): Promise<Joiner[]> {
		const now = Date.now();
		const expiresAt = now + job.cacheTtlSeconds * 1000;
		const flight = flightKey(job);
		const joiners = this.sql
			.exec<{ interaction_id: string; application_id: string; token: string }>(
				"SELECT interaction_id, application_id, token FROM joiners WHERE key = ?",
				flight,
			)
			.toArray()
			.map((row) => ({ interactionId: row.interaction_id, applicationId: row.application_id, token: row.token }));
		this.ctx.storage.transactionSync(() => {
			this.sql.exec("DELETE FROM joiners WHERE key = ?", flight);
			this.sql.exec("DELETE FROM jobs WHERE key = ?", flight);
			if (job.interactionId) {
				this.sql.exec("INSERT OR REPLACE INTO done (interaction_id, expires_at) VALUES (?, ?)", job.interactionId, now + DONE_TTL_MS);
				this.sql.exec("DELETE FROM results WHERE interaction_id = ?", job.interactionId);
			}
			if (summary) for (const entry of [...views, { key: job.key, summary }]) this.cache(entry.key, entry.summary, now, expiresAt);
		});
		await this.alarmBy(summary ? Math.min(expiresAt, now + DONE_TTL_MS) : now + DONE_TTL_MS);
		return joiners;
	}

	/** Forgets every cached summary and kept span: after an opt-out, they may hold the member's messages. */
	clearCache(): void {
		this.sql.exec("DELETE FROM summaries");
		this.sql.exec("DELETE FROM spans");
	}

	/** Drops what has expired, then sleeps until the next expiry. */
	async alarm(): Promise<void> {
		const now = Date.now();
		this.ctx.storage.transactionSync(() => {
			this.sql.exec("DELETE FROM summaries WHERE expires_at <= ?", now);
			this.sql.exec("DELETE FROM joiners WHERE key IN (SELECT key FROM jobs WHERE expires_at <= ?)", now);
			this.sql.exec("DELETE FROM jobs WHERE expires_at <= ?", now);
			this.sql.exec("DELETE FROM buckets WHERE tat <= ?", now);
			this.sql.exec("DELETE FROM done WHERE expires_at <= ?", now);
			this.sql.exec("DELETE FROM spans WHERE expires_at <= ?", now);
			this.sql.exec("DELETE FROM results WHERE expires_at <= ?", now);
		});
		// Next: the first entry to expire; with none left, the moment the last bucket is full again.
		const next = this.sql
			.exec<{ at: number | null }>(
				`SELECT COALESCE(
					(SELECT MIN(at) FROM (
						SELECT MIN(expires_at) AS at FROM summaries UNION ALL SELECT MIN(expires_at) FROM jobs
						UNION ALL SELECT MIN(expires_at) FROM done UNION ALL SELECT MIN(expires_at) FROM spans
						UNION ALL SELECT MIN(expires_at) FROM results)),
					(SELECT MAX(tat) FROM buckets)) AS at`,
			)
			.one().at;
		this.alarmAt = null;
		if (next !== null) await this.alarmBy(next);
	}

	private cache(key: string, summary: SummaryMessage, now: number, expiresAt: number): void {
		const message = JSON.stringify(summary);
		this.sql.exec(
			"INSERT OR REPLACE INTO summaries (key, message, bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			key,
			message,
			message.length,
			now,
			expiresAt,
		);
		// Keep the newest entries within both bounds.
		this.sql.exec(
			`DELETE FROM summaries WHERE key IN (
				SELECT key FROM (
					SELECT key, ROW_NUMBER() OVER newest AS n, SUM(bytes) OVER newest AS total FROM summaries
					WINDOW newest AS (ORDER BY created_at DESC, key))
				WHERE n > ? OR total > ?)`,
			CACHE_LIMITS.entries,
			CACHE_LIMITS.bytes,
		);
	}

	private tat(bucket: string): number | undefined {
		return this.sql.exec<{ tat: number }>("SELECT tat FROM buckets WHERE name = ?", bucket).toArray()[0]?.tat;
	}

	private setTat(bucket: string, tat: number): void {
		this.sql.exec("INSERT OR REPLACE INTO buckets (name, tat) VALUES (?, ?)", bucket, tat);
	}

	private refund(bucket: string, rule: BucketRule): void {
		const tat = this.tat(bucket);
		if (tat !== undefined) this.setTat(bucket, giveBack(tat, rule));
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

/** A snowflake as text that sorts as its number does (SQLite compares the column as text). */
function sortable(id: string): string {
	return id.padStart(20, "0");
}
