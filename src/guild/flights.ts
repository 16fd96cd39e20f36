// Single-flight: the one job running for a flight key (the summary it makes, guild-object.ts), its queue
// delivery's lease, and the interactions that joined that run and wait for its result. A joiner belongs
// to the run it joined: a newer run of the same key, after the first expired, has joiners of its own. A
// catch-up's run also flies under the key of the summary its start resolved to, once found: a run's
// joiners are found, and its flights ended, by its id, whichever key they came by.
import { type Run, type SummaryJob, summaryRun } from "../domain/job";
import { dropExpired, type Expiring, earliestExpiry } from "./storage";

/** An interaction waiting for a job that another interaction started, answered as it asked. */
export interface Joiner {
	interactionId: string;
	applicationId: string;
	token: string;
	public: boolean;
	/** It asked for a public summary of another channel: its answer says why it is private. */
	publicRefused: boolean;
	/** The channel it was asked in. */
	origin: string;
	/** When its token stops working. */
	expiresAt: number;
}

/** The job's own interaction, as one waiting on a run: answered as it asked, while its token lives. */
export function joinerOf(job: SummaryJob): Joiner {
	const { interactionId, applicationId, token, origin } = job;
	const { expiresAt } = summaryRun(job);
	return { interactionId, applicationId, token, public: job.public, publicRefused: job.publicRefused === true, origin, expiresAt };
}

export class Flights implements Expiring {
	constructor(private readonly sql: SqlStorage) {}

	/** The id of the run flying under `flight`, if one is. */
	flying(flight: string, now: number): string | undefined {
		return this.sql
			.exec<{ interaction_id: string }>("SELECT interaction_id FROM jobs WHERE key = ? AND expires_at > ?", flight, now)
			.toArray()[0]?.interaction_id;
	}

	join(flight: string, runId: string, joiner: Joiner): void {
		this.sql.exec(
			"INSERT OR IGNORE INTO joiners (interaction_id, key, run_id, application_id, token, public, public_refused, origin, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			joiner.interactionId,
			flight,
			runId,
			joiner.applicationId,
			joiner.token,
			joiner.public ? 1 : 0,
			joiner.publicRefused ? 1 : 0,
			joiner.origin,
			joiner.expiresAt,
		);
	}

	/** Marks `run` as the job in flight for its key, not yet taken by a queue delivery. */
	start(run: Run): void {
		this.sql.exec("INSERT OR REPLACE INTO jobs (key, interaction_id, expires_at) VALUES (?, ?, ?)", run.flight, run.id, run.expiresAt);
	}

	/** Until when the run's result can still be delivered: its own token's life, or a joiner's. */
	deadline(run: Run): number {
		const joiner = this.sql.exec<{ at: number | null }>("SELECT MAX(expires_at) AS at FROM joiners WHERE run_id = ?", run.id).one().at;
		return Math.max(run.expiresAt, joiner ?? 0);
	}

	/** Takes `run` for one queue delivery until `leaseUntil`, unless another delivery holds it or another live run flies its key. */
	lease(run: Run, leaseUntil: number, now: number): boolean {
		const row = this.sql
			.exec<{ interaction_id: string; expires_at: number; lease_until: number }>(
				"SELECT interaction_id, expires_at, lease_until FROM jobs WHERE key = ?",
				run.flight,
			)
			.toArray()[0];
		const busy = row && (row.interaction_id === run.id ? row.lease_until > now : row.expires_at > now);
		if (busy) return false;
		this.sql.exec(
			"INSERT OR REPLACE INTO jobs (key, interaction_id, expires_at, lease_until) VALUES (?, ?, ?, ?)",
			run.flight,
			run.id,
			// A run kept alive past its own token by a joiner's keeps its row, and so its lease, until the lease ends.
			Math.max(run.expiresAt, leaseUntil),
			leaseUntil,
		);
		return true;
	}

	release(run: Run): void {
		this.sql.exec("UPDATE jobs SET lease_until = 0 WHERE key = ? AND interaction_id = ?", run.flight, run.id);
	}

	/** Ends `run`'s flights, and no other run's; returns who joined it. */
	land(run: Run): Joiner[] {
		const joiners = this.sql
			.exec<{
				interaction_id: string;
				application_id: string;
				token: string;
				public: number;
				public_refused: number;
				origin: string;
				expires_at: number;
			}>("SELECT interaction_id, application_id, token, public, public_refused, origin, expires_at FROM joiners WHERE run_id = ?", run.id)
			.toArray()
			.map((row) => ({
				interactionId: row.interaction_id,
				applicationId: row.application_id,
				token: row.token,
				public: row.public === 1,
				publicRefused: row.public_refused === 1,
				origin: row.origin,
				expiresAt: row.expires_at,
			}));
		this.sql.exec("DELETE FROM joiners WHERE run_id = ?", run.id);
		this.sql.exec("DELETE FROM jobs WHERE interaction_id = ?", run.id);
		return joiners;
	}

	expire(now: number): void {
		dropExpired(this.sql, ["joiners", "jobs"], now);
	}

	nextExpiry(): number | null {
		return earliestExpiry(this.sql, ["jobs", "joiners"]);
	}
}
