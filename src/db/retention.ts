// Retention, run by the cron trigger: summaries past their guild's retention (all of a guild's that
// keeps no history), the votes on them with them, usage events past 90 days and LLM budget days past a
// week are deleted, in bounded batches so one run stays within a Worker's limits; what a run leaves, the
// next one takes.
import { inArray, lt, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { DAY_MS } from "../lib/time";
import { utcDay } from "./llm-budget";
import { guildSettings, llmTokens, summaries, summaryVotes, usageEvents } from "./schema";

export const DEFAULT_RETENTION_DAYS = 30;
export const USAGE_RETENTION_DAYS = 90;
/** Only today's budget use matters; a week is kept for a look back. */
export const BUDGET_RETENTION_DAYS = 7;
export const RETENTION_BATCH = { rows: 500, batches: 20 };

async function deleteInBatches(remove: () => Promise<D1Result>): Promise<number> {
	let deleted = 0;
	for (let batch = 0; batch < RETENTION_BATCH.batches; batch++) {
		const changes = (await remove()).meta.changes;
		deleted += changes;
		if (changes < RETENTION_BATCH.rows) break;
	}
	return deleted;
}

export async function enforceRetention(
	db: DrizzleD1Database,
	now: number,
): Promise<{ summaries: number; votes: number; usageEvents: number; llmTokens: number }> {
	const retentionMs = sql`case when ${guildSettings.keepHistory} = 0 then 0 else coalesce(${guildSettings.retentionDays}, ${DEFAULT_RETENTION_DAYS}) * ${DAY_MS} end`;
	const expiredSummaries = db
		.select({ id: summaries.id })
		.from(summaries)
		.leftJoin(guildSettings, sql`${guildSettings.guildId} = ${summaries.guildId}`)
		.where(sql`${summaries.createdAt} < ${now} - ${retentionMs}`)
		.limit(RETENTION_BATCH.rows);
	// A vote's table is keyed by summary and member, so a batch of them is picked by rowid.
	const expiredVotes = db
		.select({ rowid: sql`${summaryVotes}.rowid` })
		.from(summaryVotes)
		.leftJoin(guildSettings, sql`${guildSettings.guildId} = ${summaryVotes.guildId}`)
		.where(sql`${summaryVotes.summaryAt} < ${now} - ${retentionMs}`)
		.limit(RETENTION_BATCH.rows);
	const expiredEvents = db
		.select({ id: usageEvents.id })
		.from(usageEvents)
		.where(lt(usageEvents.createdAt, new Date(now - USAGE_RETENTION_DAYS * DAY_MS)))
		.limit(RETENTION_BATCH.rows);
	const expiredBudgets = db
		.select({ rowid: sql<number>`rowid` })
		.from(llmTokens)
		.where(lt(llmTokens.day, utcDay(now) - BUDGET_RETENTION_DAYS))
		.limit(RETENTION_BATCH.rows);
	return {
		summaries: await deleteInBatches(() => db.delete(summaries).where(inArray(summaries.id, expiredSummaries)).run()),
		votes: await deleteInBatches(() => db.delete(summaryVotes).where(inArray(sql`rowid`, expiredVotes)).run()),
		usageEvents: await deleteInBatches(() => db.delete(usageEvents).where(inArray(usageEvents.id, expiredEvents)).run()),
		llmTokens: await deleteInBatches(() => db.delete(llmTokens).where(inArray(sql`rowid`, expiredBudgets)).run()),
	};
}
