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

/**
 * Runs a D1 write, retrying it with backoff; when D1 keeps failing, logs the loss (`d1.write_lost`,
 * counted in docs/analytics.md) and returns false instead of throwing: the user's answer comes first.
 */
export async function writeOrLogLoss(guildId: string, write: () => PromiseLike<unknown>): Promise<boolean> {
	for (let attempt = 1; ; attempt++) {
		try {
			await write();
			return true;
		} catch (error) {
			if (attempt >= WRITE_ATTEMPTS) {
				console.error(JSON.stringify({ event: "d1.write_lost", guild: guildId, reason: String(error) }));
				return false;
			}
			await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
		}
	}
}

/** Writes a summary's history row and its usage event; returns false when D1 kept failing. */
export function recordSummary(db: DrizzleD1Database, summary: SummaryRow | undefined, usage: UsageEvent): Promise<boolean> {
	return writeOrLogLoss(usage.guildId, async () => {
		const writes = [db.insert(usageEvents).values(usage).onConflictDoNothing()] as const;
		if (summary && (await keepsHistory(db, usage.guildId))) await db.batch([db.insert(summaries).values(summary).onConflictDoNothing(), ...writes]);
		else await db.batch(writes);
	});
}
