// The LLM's results per span of messages (summarizer/coverage.ts), kept for reuse by overlapping requests.
import type { Span } from "../domain/summary";
import { HOUR_MS } from "../lib/time";
import { dropExpired, type Expiring, earliestExpiry } from "./storage";

export const SPAN_LIMITS = { entries: 1000, ttlMs: HOUR_MS };

/** A snowflake as text that sorts as its number does (SQLite compares the column as text). */
function sortable(id: string): string {
	return id.padStart(20, "0");
}

export class SpanStore implements Expiring {
	constructor(private readonly storage: DurableObjectStorage) {}

	/** The kept spans of `scope` that overlap the messages from `firstId` to `lastId`, oldest first. */
	overlapping(scope: string, firstId: string, lastId: string, now: number): Span[] {
		return this.storage.sql
			.exec<{ value: string }>(
				"SELECT value FROM spans WHERE scope = ? AND first_id <= ? AND last_id >= ? AND expires_at > ? ORDER BY first_id",
				scope,
				sortable(lastId),
				sortable(firstId),
				now,
			)
			.toArray()
			.map((row) => JSON.parse(row.value) as Span);
	}

	/** Keeps `spans` for SPAN_LIMITS.ttlMs, and the newest within SPAN_LIMITS.entries; returns when they expire. */
	put(scope: string, spans: Span[], now: number): number {
		const expiresAt = now + SPAN_LIMITS.ttlMs;
		const { sql } = this.storage;
		this.storage.transactionSync(() => {
			for (const span of spans) {
				sql.exec(
					"INSERT OR REPLACE INTO spans (scope, first_id, last_id, value, expires_at) VALUES (?, ?, ?, ?, ?)",
					scope,
					sortable(span.firstId),
					sortable(span.lastId),
					JSON.stringify(span),
					expiresAt,
				);
			}
			sql.exec(
				"DELETE FROM spans WHERE rowid IN (SELECT rowid FROM spans ORDER BY expires_at DESC LIMIT -1 OFFSET ?)",
				SPAN_LIMITS.entries,
			);
		});
		return expiresAt;
	}

	clear(): void {
		this.storage.sql.exec("DELETE FROM spans");
	}

	expire(now: number): void {
		dropExpired(this.storage.sql, ["spans"], now);
	}

	nextExpiry(): number | null {
		return earliestExpiry(this.storage.sql, ["spans"]);
	}
}
