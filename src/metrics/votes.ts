// What members said of this guild's summaries over a period: 👍 and 👎 from D1's votes, for /stats.
import { and, eq, gte, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { summaryVotes } from "../db/schema";
import { helpfulRate, type VoteCounts } from "../domain/vote";
import { thousands } from "../lib/numbers";

/** 👍 and 👎 counted in SQL, for every reader of votes. */
export const VOTE_SUMS = {
	up: sql<number>`coalesce(sum(${summaryVotes.vote} = 'up'), 0)`.mapWith(Number),
	down: sql<number>`coalesce(sum(${summaryVotes.vote} = 'down'), 0)`.mapWith(Number),
};

export async function guildVotes(db: DrizzleD1Database, guildId: string, since: Date): Promise<VoteCounts> {
	const [counts] = await db
		.select(VOTE_SUMS)
		.from(summaryVotes)
		.where(and(eq(summaryVotes.guildId, guildId), gte(summaryVotes.votedAt, since)));
	return counts;
}

/** One embed field's text: the helpful rate and the votes it rests on. */
export function votesText(counts: VoteCounts): string {
	const rate = helpfulRate(counts);
	if (rate === null) return "No votes yet: 👍 or 👎 under a summary says whether it helped.";
	return `**${Math.round(rate * 100)}%** found helpful (${thousands(counts.up)} 👍 · ${thousands(counts.down)} 👎)`;
}
