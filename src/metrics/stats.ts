// This guild's usage over a period, from D1's usage events: requests, cache hits, time to result,
// tokens, estimated cost and the requests that ended badly. Pure SQL aggregation; /stats renders it.
import { and, count, eq, gte, isNotNull, sql, sum } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { renewsAt } from "../db/llm-budget";
import { usageEvents } from "../db/schema";
import { thousands } from "../lib/numbers";
import { formatCost } from "./cost";
import { percentileOffset } from "./percentile";

export interface GuildStats {
	requests: number;
	/** Answered from the cache or by joining a job in flight: LLM calls saved. */
	saved: number;
	delivered: number;
	rateLimited: number;
	refused: number;
	failed: number;
	p50Ms: number | null;
	p95Ms: number | null;
	tokens: number;
	costMicroUsd: number;
	/** Tokens of models without a known price: their cost is unknown, not zero. */
	unpricedTokens: number;
}

const tokens = sql`${usageEvents.tokensIn} + ${usageEvents.tokensOut}`;
/** Sums of these columns over usage events, for every reader of tokens and cost. */
export const TOKEN_SUMS = {
	tokensIn: sum(usageEvents.tokensIn).mapWith(Number),
	tokensOut: sum(usageEvents.tokensOut).mapWith(Number),
	costMicroUsd: sum(usageEvents.costMicroUsd).mapWith(Number),
	unpricedTokens: sum(sql`case when ${usageEvents.costMicroUsd} = 0 then ${tokens} else 0 end`).mapWith(Number),
};

async function percentile(db: DrizzleD1Database, guildId: string, since: Date, percent: number, total: number): Promise<number | null> {
	if (!total) return null;
	const [row] = await db
		.select({ ms: usageEvents.timeToResultMs })
		.from(usageEvents)
		.where(and(eq(usageEvents.guildId, guildId), gte(usageEvents.createdAt, since), isNotNull(usageEvents.timeToResultMs)))
		.orderBy(usageEvents.timeToResultMs)
		.limit(1)
		.offset(percentileOffset(total, percent));
	return row?.ms ?? null;
}

export async function guildStats(db: DrizzleD1Database, guildId: string, since: Date): Promise<GuildStats> {
	const rows = await db
		.select({ outcome: usageEvents.outcome, n: count(), ...TOKEN_SUMS })
		.from(usageEvents)
		.where(and(eq(usageEvents.guildId, guildId), gte(usageEvents.createdAt, since)))
		.groupBy(usageEvents.outcome);
	const by = (outcome: string) => rows.find((row) => row.outcome === outcome)?.n ?? 0;
	const [timed] = await db
		.select({ n: count() })
		.from(usageEvents)
		.where(and(eq(usageEvents.guildId, guildId), gte(usageEvents.createdAt, since), isNotNull(usageEvents.timeToResultMs)));
	return {
		requests: total(rows, (row) => row.n),
		saved: by("cached") + by("joined"),
		delivered: by("delivered"),
		rateLimited: by("rate_limited"),
		refused: by("refused"),
		failed: by("failed") + by("expired"),
		p50Ms: await percentile(db, guildId, since, 50, timed.n),
		p95Ms: await percentile(db, guildId, since, 95, timed.n),
		tokens: total(rows, (row) => row.tokensIn + row.tokensOut),
		costMicroUsd: total(rows, (row) => row.costMicroUsd),
		unpricedTokens: total(rows, (row) => row.unpricedTokens),
	};
}

function total<T>(rows: T[], value: (row: T) => number): number {
	return rows.reduce((sum, row) => sum + (value(row) || 0), 0);
}

function seconds(ms: number | null): string {
	return ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`;
}

/** One embed field's text for a period. */
export function statsText(stats: GuildStats): string {
	const answered = stats.saved + stats.delivered;
	const hitRate = answered ? Math.round((stats.saved / answered) * 100) : 0;
	return [
		`**${thousands(stats.requests)}** requests · **${thousands(stats.delivered)}** summaries made`,
		`Cache and shared jobs: **${hitRate}%** (${thousands(stats.saved)} LLM calls saved)`,
		`Time to result: p50 **${seconds(stats.p50Ms)}**, p95 **${seconds(stats.p95Ms)}**`,
		`Tokens: **${thousands(stats.tokens)}** · estimated cost **${formatCost(stats.costMicroUsd, stats.unpricedTokens)}**`,
		`Rate-limited ${stats.rateLimited} · refused ${stats.refused} · failed ${stats.failed}`,
	].join("\n");
}

/** How much of a budget is used, from 0 to 1; a budget of 0 is all used. */
export function budgetShare(used: number, limit: number): number {
	return limit ? Math.min(1, used / limit) : 1;
}

/** The day's LLM budget as /stats shows it: used, limit, share, and when it renews. */
export function budgetText(used: number, limit: number, now: number): string {
	const share = Math.round(budgetShare(used, limit) * 100);
	const spent = used >= limit ? " · used up: summaries are extractive until it renews" : "";
	return `**${thousands(used)}** of ${thousands(limit)} tokens (${share}%)${spent} · renews <t:${renewsAt(now) / 1000}:R>`;
}
