// The operator's metrics from D1's usage events: per UTC day, requests by outcome, p50/p95 time to
// result, cache hit rate, tokens and estimated cost; the busiest guilds; and today's LLM budgets.
// Aggregated in SQL, so the work is a few queries and at most a few hundred rows back, whatever the traffic.
import { and, count, desc, gte, isNotNull, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { dayNumberOf } from "../db/day-number";
import { budgetsToday } from "../db/llm-budget";
import { OUTCOMES, usageEvents } from "../db/schema";
import { utcDate, utcDays } from "../lib/time";
import { percentileRowSql } from "../metrics/percentile";
import { TOKEN_SUMS } from "../metrics/stats";
import { readVotes, type VoteMetrics } from "./votes";

export type Outcome = (typeof OUTCOMES)[number];
export const TOP_GUILDS = 10;

export interface TokenTotals {
	tokensIn: number;
	tokensOut: number;
	/** Estimated; excludes unpricedTokens, whose cost is unknown. */
	costMicroUsd: number;
	unpricedTokens: number;
}

export interface DayMetrics extends TokenTotals {
	/** The UTC day, YYYY-MM-DD. */
	day: string;
	requests: number;
	outcomes: Record<Outcome, number>;
	/** Cached and joined requests among those answered with a summary; null without any. */
	cacheHitRate: number | null;
	p50Ms: number | null;
	p95Ms: number | null;
}

export interface GuildMetrics extends TokenTotals {
	guildId: string;
	requests: number;
	delivered: number;
}

/** Today's LLM token budgets (UTC): the bot's overall one (a null limit: LLM_TOKENS_PER_DAY is unset), and the most used guilds'. */
export interface BudgetMetrics {
	day: string;
	overall: { used: number; limit: number | null };
	guilds: { guildId: string; used: number; limit: number }[];
}

export interface Metrics {
	since: string;
	until: string;
	days: DayMetrics[];
	topGuilds: GuildMetrics[];
	budgets: BudgetMetrics;
	votes: VoteMetrics;
}

const dayNumber = dayNumberOf(usageEvents.createdAt);

export function cacheHitRate(outcomes: Record<Outcome, number>): number | null {
	const saved = outcomes.cached + outcomes.joined;
	const answered = saved + outcomes.delivered;
	return answered ? saved / answered : null;
}

const noOutcomes = (): Record<Outcome, number> => Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;

async function percentilesByDay(db: DrizzleD1Database, since: Date): Promise<Map<number, { p50: number | null; p95: number | null }>> {
	const ranked = db.$with("ranked").as(
		db
			.select({
				day: dayNumber.as("day"),
				ms: sql<number>`${usageEvents.timeToResultMs}`.as("ms"),
				rank: sql<number>`row_number() over (partition by ${dayNumber} order by ${usageEvents.timeToResultMs})`.as("rank"),
				n: sql<number>`count(*) over (partition by ${dayNumber})`.as("n"),
			})
			.from(usageEvents)
			.where(and(gte(usageEvents.createdAt, since), isNotNull(usageEvents.timeToResultMs))),
	);
	const at = (percent: number) =>
		sql<number | null>`max(case when ${ranked.rank} = ${percentileRowSql(sql`${ranked.n}`, percent)} then ${ranked.ms} end)`;
	const rows = await db
		.with(ranked)
		.select({ day: ranked.day, p50: at(50), p95: at(95) })
		.from(ranked)
		.groupBy(sql`${ranked.day}`);
	return new Map(rows.map((row) => [Number(row.day), { p50: row.p50, p95: row.p95 }]));
}

/** `overallLimit`: LLM_TOKENS_PER_DAY, when set. */
export async function readMetrics(db: DrizzleD1Database, since: Date, now: Date, overallLimit?: number): Promise<Metrics> {
	const recent = gte(usageEvents.createdAt, since);
	const [byDay, percentiles, guilds, votes, budgets] = await Promise.all([
		db
			.select({ day: dayNumber, outcome: usageEvents.outcome, n: count(), ...TOKEN_SUMS })
			.from(usageEvents)
			.where(recent)
			.groupBy(dayNumber, usageEvents.outcome),
		percentilesByDay(db, since),
		db
			.select({
				guildId: usageEvents.guildId,
				requests: count(),
				delivered: sql<number>`sum(${usageEvents.outcome} = 'delivered')`.mapWith(Number),
				...TOKEN_SUMS,
			})
			.from(usageEvents)
			.where(recent)
			.groupBy(usageEvents.guildId)
			.orderBy(desc(count()), usageEvents.guildId)
			.limit(TOP_GUILDS),
		readVotes(db, since, now),
		budgetsToday(db, now.getTime(), TOP_GUILDS),
	]);
	const days: DayMetrics[] = [];
	for (const day of utcDays(since, now)) {
		const rows = byDay.filter((row) => row.day === day);
		const outcomes = noOutcomes();
		for (const row of rows) outcomes[row.outcome] = row.n;
		const sum = (field: keyof TokenTotals) => rows.reduce((total, row) => total + (row[field] || 0), 0);
		days.push({
			day: utcDate(day),
			requests: rows.reduce((total, row) => total + row.n, 0),
			outcomes,
			cacheHitRate: cacheHitRate(outcomes),
			p50Ms: percentiles.get(day)?.p50 ?? null,
			p95Ms: percentiles.get(day)?.p95 ?? null,
			tokensIn: sum("tokensIn"),
			tokensOut: sum("tokensOut"),
			costMicroUsd: sum("costMicroUsd"),
			unpricedTokens: sum("unpricedTokens"),
		});
	}
	return {
		since: since.toISOString(),
		until: now.toISOString(),
		days,
		topGuilds: guilds,
		votes,
		budgets: {
			day: now.toISOString().slice(0, 10),
			overall: { used: budgets.overallUsed, limit: overallLimit ?? null },
			guilds: budgets.guilds,
		},
	};
}
