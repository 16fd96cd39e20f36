// The D1 reads and writes of the summarizer. Writes are idempotent (keyed by interaction id), so a
// repeated queue delivery leaves one row; they are retried, and a write that still fails is logged
// as lost rather than failing a summary the user already has. A guild that keeps no history gets no
// summary row, only the usage event.
import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { memberOptOuts, summaries, usageEvents, type SummaryRow, type UsageEvent } from "./schema";
import { keepsHistory } from "./settings";

const WRITE_ATTEMPTS = 3;

export async function optedOutMembers(db: DrizzleD1Database, guildId: string): Promise<Set<string>> {
	const rows = await db.select({ userId: memberOptOuts.userId }).from(memberOptOuts).where(eq(memberOptOuts.guildId, guildId));
	return new Set(rows.map((row) => row.userId));
}

/** Writes a summary's history row and its usage event; returns false when D1 kept failing. */
export async function recordSummary(db: DrizzleD1Database, summary: SummaryRow | undefined, usage: UsageEvent): Promise<boolean> {
	for (let attempt = 1; ; attempt++) {
		try {
			const writes = [db.insert(usageEvents).values(usage).onConflictDoNothing()] as const;
			if (summary && (await keepsHistory(db, usage.guildId))) await db.batch([db.insert(summaries).values(summary).onConflictDoNothing(), ...writes]);
			else await db.batch(writes);
			return true;
		} catch (error) {
			if (attempt >= WRITE_ATTEMPTS) {
				console.error(JSON.stringify({ event: "d1.write_lost", guild: usage.guildId, reason: String(error) }));
				return false;
			}
			await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
		}
	}
}
