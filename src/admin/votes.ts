// The operator's view of votes: how helpful members found summaries, per UTC day, by style and by
// summarizer (the LLM's model, or "extractive"). One query, grouped in SQL by day, style and model: a few
// hundred rows at most, whatever the traffic.
import { gte } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { dayNumberOf } from "../db/day-number";
import { summaryVotes } from "../db/schema";
import { helpfulRate, type VoteCounts } from "../domain/vote";
import { utcDate, utcDays } from "../lib/time";
import { VOTE_SUMS } from "../metrics/votes";

export interface VoteTally extends VoteCounts {
	/** 👍 among the votes; null without any. */
	helpfulRate: number | null;
}

export interface VoteBreakdown extends VoteTally {
	/** By the style of the summary voted on; only styles that got votes. */
	byStyle: Record<string, VoteTally>;
	/** By the summarizer that made it: the model's name, or "extractive"; only those that got votes. */
	bySummarizer: Record<string, VoteTally>;
}

export interface VoteMetrics extends VoteBreakdown {
	/** One entry per UTC day of the period, days without votes included. */
	days: (VoteBreakdown & { day: string })[];
}

type Row = VoteCounts & { day: number; style: string; model: string };

const dayNumber = dayNumberOf(summaryVotes.votedAt);

function tally(rows: readonly Row[]): VoteTally {
	const counts = { up: 0, down: 0 };
	for (const row of rows) {
		counts.up += row.up;
		counts.down += row.down;
	}
	return { ...counts, helpfulRate: helpfulRate(counts) };
}

function tallyBy(rows: readonly Row[], key: (row: Row) => string): Record<string, VoteTally> {
	const groups = Map.groupBy(rows, key);
	return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, group]) => [name, tally(group)]));
}

function breakdown(rows: readonly Row[]): VoteBreakdown {
	return { ...tally(rows), byStyle: tallyBy(rows, (row) => row.style), bySummarizer: tallyBy(rows, (row) => row.model) };
}

export async function readVotes(db: DrizzleD1Database, since: Date, now: Date): Promise<VoteMetrics> {
	const rows: Row[] = await db
		.select({ day: dayNumber, style: summaryVotes.style, model: summaryVotes.model, ...VOTE_SUMS })
		.from(summaryVotes)
		.where(gte(summaryVotes.votedAt, since))
		.groupBy(dayNumber, summaryVotes.style, summaryVotes.model);
	return {
		...breakdown(rows),
		days: utcDays(since, now).map((day) => ({ day: utcDate(day), ...breakdown(rows.filter((row) => row.day === day)) })),
	};
}
