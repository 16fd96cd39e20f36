// Votes on summaries in D1: one row per member and summary, no content. A second click changes the row.
import { sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { summaryVotes, type VoteRow } from "./schema";
import { writeOrLogLoss } from "./writes";

/** Stores a member's vote, or their changed mind, in one write; false when D1 kept failing. */
export function recordVote(db: DrizzleD1Database, row: VoteRow): Promise<boolean> {
	return writeOrLogLoss(row.guildId, () =>
		db
			.insert(summaryVotes)
			.values(row)
			.onConflictDoUpdate({
				target: [summaryVotes.messageId, summaryVotes.userId],
				set: { vote: sql`excluded.vote`, votedAt: sql`excluded.voted_at` },
			}),
	);
}
