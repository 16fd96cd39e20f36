// This guild's usage over a period, from D1's usage events: requests, cache hits, time to result,
// tokens and the requests that ended badly. Pure SQL aggregation; the /stats command renders it.
import { and, count, eq, gte, isNotNull, sql, sum } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { usageEvents } from "../db/schema";

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
}

async function percentile(db: DrizzleD1Database, guildId: string, since: Date, p: number, total: number): Promise<number | null> {
	if (!total) return null;
	const [row] = await db
		.select({ ms: usageEvents.timeToResultMs })
		.from(usageEvents)
		.where(and(eq(usageEvents.guildId, guildId), gte(usageEvents.createdAt, since), isNotNull(usageEvents.timeToResultMs)))
		.orderBy(usageEvents.timeToResultMs)
		.limit(1)
		.offset(Math.min(total - 1, Math.floor(total * p)));
	return row?.ms ?? null;
}

export async function guildStats(db: DrizzleD1Database, guildId: string, since: Date): Promise<GuildStats> {
	const rows = await db
		.select({ outcome: usageEvents.outcome, n: count(), tokens: sum(sql`${usageEvents.tokensIn} + ${usageEvents.tokensOut}`) })
		.from(usageEvents)
		.where(and(eq(usageEvents.guildId, guildId), gte(usageEvents.createdAt, since)))
		.groupBy(usageEvents.outcome);
	const by = (outcome: string) => rows.find((row) => row.outcome === outcome)?.n ?? 0;
	const [timed] = await db
		.select({ n: count() })
		.from(usageEvents)
		.where(and(eq(usageEvents.guildId, guildId), gte(usageEvents.createdAt, since), isNotNull(usageEvents.timeToResultMs)));
	return {
		requests: rows.reduce((total, row) => total + row.n, 0),
		saved: by("cached") + by("joined"),
		delivered: by("delivered"),
		rateLimited: by("rate_limited"),
		refused: by("refused"),
		failed: by("failed") + by("expired"),
		p50Ms: await percentile(db, guildId, since, 0.5, timed.n),
		p95Ms: await percentile(db, guildId, since, 0.95, timed.n),
		tokens: rows.reduce((total, row) => total + Number(row.tokens ?? 0), 0),
	};
}

function seconds(ms: number | null): string {
	return ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`;
}

/** One embed field's text for a period. */
export function statsText(stats: GuildStats): string {
	const answered = stats.saved + stats.delivered;
	const hitRate = answered ? Math.round((stats.saved / answered) * 100) : 0;
	return [
		`**${stats.requests.toLocaleString("en-US")}** requests · **${stats.delivered.toLocaleString("en-US")}** summaries made`,
		`Cache and shared jobs: **${hitRate}%** (${stats.saved.toLocaleString("en-US")} LLM calls saved)`,
		`Time to result: p50 **${seconds(stats.p50Ms)}**, p95 **${seconds(stats.p95Ms)}**`,
		`Tokens: **${stats.tokens.toLocaleString("en-US")}**`,
		`Rate-limited ${stats.rateLimited} · refused ${stats.refused} · failed ${stats.failed}`,
	].join("\n");
}
