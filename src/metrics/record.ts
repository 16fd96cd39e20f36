// One record per interaction: an Analytics Engine data point (analytics.ts, for the Workers analytics
// dashboard) and a usage event in D1 (for /stats and /admin). Written after the answer, never before it,
// and a failure to record never fails the request. Never any message content.
import { drizzle } from "drizzle-orm/d1";
import { type UsageEvent, usageEvents } from "../db/schema";
import { writeOrLogLoss } from "../db/writes";
import { costOf, type Usage, writeDataPoint } from "./analytics";

export function usageRow(usage: Usage, createdAt = new Date()): UsageEvent {
	return {
		id: usage.id,
		guildId: usage.guildId,
		userId: usage.userId,
		command: usage.command,
		outcome: usage.outcome,
		latencyMs: usage.latencyMs,
		timeToResultMs: usage.timeToResultMs ?? null,
		tokensIn: usage.tokensIn ?? 0,
		tokensOut: usage.tokensOut ?? 0,
		costMicroUsd: costOf(usage),
		createdAt,
	};
}

/** Records an interaction whose outcome the interaction path decided (the consumer records the rest). */
export function recordInteraction(env: Env, ctx: ExecutionContext, usage: Usage): void {
	writeDataPoint(env, usage);
	ctx.waitUntil(writeOrLogLoss(usage.guildId, () => drizzle(env.DB).insert(usageEvents).values(usageRow(usage)).onConflictDoNothing()));
}
