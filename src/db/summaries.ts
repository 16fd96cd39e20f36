// Summary history in D1: one row per delivered summary (no message content), and what /summaries lists.
// A guild that keeps no history gets no summary row, only the usage event.
import { and, desc, eq, or } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { type SummaryRow, summaries, type UsageEvent, usageEvents } from "./schema";
import { keepsHistory } from "./settings";
import { writeOrLogLoss } from "./writes";

/** Writes a summary's history row and its usage event; returns false when D1 kept failing. */
export function recordSummary(db: DrizzleD1Database, summary: SummaryRow | undefined, usage: UsageEvent): Promise<boolean> {
	return writeOrLogLoss(usage.guildId, async () => {
		const writes = [db.insert(usageEvents).values(usage).onConflictDoNothing()] as const;
		if (summary && (await keepsHistory(db, usage.guildId)))
			await db.batch([db.insert(summaries).values(summary).onConflictDoNothing(), ...writes]);
		else await db.batch(writes);
	});
}

export type ListedSummary = Pick<
	typeof summaries.$inferSelect,
	| "guildId"
	| "channelId"
	| "rangeKind"
	| "rangeMessages"
	| "rangeSeconds"
	| "rangeFromMessageId"
	| "firstMessageId"
	| "style"
	| "public"
	| "createdAt"
	| "requesterId"
>;

/** The newest summaries a member may see here: this channel's public ones, and their own anywhere in the guild. */
export function recentSummaries(
	db: DrizzleD1Database,
	query: { guildId: string; channelId: string; userId: string; limit: number },
): Promise<ListedSummary[]> {
	return db
		.select()
		.from(summaries)
		.where(
			and(
				eq(summaries.guildId, query.guildId),
				or(eq(summaries.requesterId, query.userId), and(eq(summaries.channelId, query.channelId), eq(summaries.public, true))),
			),
		)
		.orderBy(desc(summaries.createdAt))
		.limit(query.limit);
}
