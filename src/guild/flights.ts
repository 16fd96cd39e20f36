// Single-flight: the one job running for a flight key (the summary it makes, guild-object.ts), its queue
// delivery's lease, and the interactions that joined it and wait for its result.
import type { Run } from "../domain/job";
import type { Expiring } from "./storage";

/** An interaction waiting for a job that another interaction started. */
export interface Joiner {
	interactionId: string;
	applicationId: string;
	token: string;
}

export class Flights implements Expiring {
	constructor(private readonly sql: SqlStorage) {}

	isFlying(flight: string, now: number): boolean {
		return this.sql.exec("SELECT 1 FROM jobs WHERE key = ? AND expires_at > ?", flight, now).toArray().length > 0;
	}

	join(flight: string, joiner: Joiner): void {
		this.sql.exec(
			"INSERT OR IGNORE INTO joiners (interaction_id, key, application_id, token) VALUES (?, ?, ?, ?)",
			joiner.interactionId,
			flight,
			joiner.applicationId,
			joiner.token,
		);
	}

	/** Marks `run` as the job in flight for its key, not yet taken by a queue delivery. */
	start(run: Run): void {
		this.sql.exec("INSERT OR REPLACE INTO jobs (key, interaction_id, expires_at) VALUES (?, ?, ?)", run.flight, run.id, run.expiresAt);
	}

	/** Takes `run` for one queue delivery until `leaseUntil`, unless another delivery holds it or another run flies its key. */
	lease(run: Run, leaseUntil: number, now: number): boolean {
		const row = this.sql
			.exec<{ interaction_id: string; lease_until: number }>("SELECT interaction_id, lease_until FROM jobs WHERE key = ?", run.flight)
			.toArray()[0];
		if (row && (row.interaction_id !== run.id || row.lease_until > now)) return false;
		this.sql.exec(
			"INSERT OR REPLACE INTO jobs (key, interaction_id, expires_at, lease_until) VALUES (?, ?, ?, ?)",
			run.flight,
			run.id,
			run.expiresAt,
			leaseUntil,
		);
		return true;
	}

	release(run: Run): void {
		this.sql.exec("UPDATE jobs SET lease_until = 0 WHERE key = ? AND interaction_id = ?", run.flight, run.id);
	}

	/** Ends the flight of `flight`; returns who joined it. */
	land(flight: string): Joiner[] {
		const joiners = this.sql
			.exec<{ interaction_id: string; application_id: string; token: string }>(
				"SELECT interaction_id, application_id, token FROM joiners WHERE key = ?",
				flight,
			)
			.toArray()
			.map((row) => ({ interactionId: row.interaction_id, applicationId: row.application_id, token: row.token }));
		this.sql.exec("DELETE FROM joiners WHERE key = ?", flight);
		this.sql.exec("DELETE FROM jobs WHERE key = ?", flight);
		return joiners;
	}

	expire(now: number): void {
		this.sql.exec("DELETE FROM joiners WHERE key IN (SELECT key FROM jobs WHERE expires_at <= ?)", now);
		this.sql.exec("DELETE FROM jobs WHERE expires_at <= ?", now);
	}

	nextExpiry(): number | null {
		return this.sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM jobs").one().at;
	}
}
