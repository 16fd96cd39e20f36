// Queue delivery is at-least-once: a run (an interaction's job, a digest's period) is remembered done, so a
// repeated delivery does nothing, and its result is kept until delivered, so a retry doesn't make it again.
import { dropExpired, type Expiring, earliestExpiry } from "./storage";

export class Runs implements Expiring {
	constructor(private readonly sql: SqlStorage) {}

	isDone(id: string): boolean {
		return this.sql.exec("SELECT 1 FROM done WHERE interaction_id = ?", id).toArray().length > 0;
	}

	/** Remembers `id` done until `until`, and drops its kept result. */
	markDone(id: string, until: number): void {
		this.sql.exec("INSERT OR REPLACE INTO done (interaction_id, expires_at) VALUES (?, ?)", id, until);
		this.sql.exec("DELETE FROM results WHERE interaction_id = ?", id);
	}

	keep(id: string, value: string, expiresAt: number): void {
		this.sql.exec("INSERT OR REPLACE INTO results (interaction_id, value, expires_at) VALUES (?, ?, ?)", id, value, expiresAt);
	}

	kept(id: string, now: number): string | null {
		return (
			this.sql.exec<{ value: string }>("SELECT value FROM results WHERE interaction_id = ? AND expires_at > ?", id, now).toArray()[0]
				?.value ?? null
		);
	}

	expire(now: number): void {
		dropExpired(this.sql, ["done", "results"], now);
	}

	nextExpiry(): number | null {
		return earliestExpiry(this.sql, ["done", "results"]);
	}
}
