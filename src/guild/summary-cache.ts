// Recent summaries, as Discord shows them, by summary key: a repeated request is answered from here.
import type { APIInteractionResponseCallbackData } from "discord-api-types/v10";
import { dropExpired, type Expiring, earliestExpiry } from "./storage";

/** A finished summary as Discord shows it; the visibility flags are set per answer. */
export type SummaryMessage = Pick<APIInteractionResponseCallbackData, "content" | "embeds" | "components">;

export const CACHE_LIMITS = { entries: 200, bytes: 4 * 1024 * 1024 };

export class SummaryCache implements Expiring {
	constructor(private readonly sql: SqlStorage) {}

	get(key: string, now: number): { summary: SummaryMessage; expiresAt: number } | undefined {
		const row = this.sql
			.exec<{ message: string; expires_at: number }>("SELECT message, expires_at FROM summaries WHERE key = ? AND expires_at > ?", key, now)
			.toArray()[0];
		return row && { summary: JSON.parse(row.message), expiresAt: row.expires_at };
	}

	/** Keeps `summary` under `key`, then the newest entries within both bounds. */
	put(key: string, summary: SummaryMessage, now: number, expiresAt: number): void {
		const message = JSON.stringify(summary);
		this.sql.exec(
			"INSERT OR REPLACE INTO summaries (key, message, bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			key,
			message,
			message.length,
			now,
			expiresAt,
		);
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

	clear(): void {
		this.sql.exec("DELETE FROM summaries");
	}

	expire(now: number): void {
		dropExpired(this.sql, ["summaries"], now);
	}

	nextExpiry(): number | null {
		return earliestExpiry(this.sql, ["summaries"]);
	}
}
