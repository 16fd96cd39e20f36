// One record per interaction: an Analytics Engine data point (for the Workers analytics dashboard)
// and a usage event in D1 (for /stats and /admin). Written after the answer, never before it, and a
// failure to record never fails the request. Never any message content.
import { drizzle } from "drizzle-orm/d1";
import { writeOrLogLoss } from "../db/queries";
import { usageEvents, type UsageEvent } from "../db/schema";
import { estimateCostMicroUsd } from "./cost";

export interface Usage {
	id: string;
	guildId: string;
	userId: string;
	command: string;
	outcome: UsageEvent["outcome"];
	style?: string;
	model?: string;
	latencyMs: number;
	timeToResultMs?: number | null;
	tokensIn?: number;
	tokensOut?: number;
	messages?: number;
}

/** Estimated cost in micro-USD; 0 when nothing was bought or the model's price is unknown. */
function costOf(usage: Usage): number {
	return estimateCostMicroUsd(usage.model, usage.tokensIn ?? 0, usage.tokensOut ?? 0) ?? 0;
}

/**
 * The Analytics Engine point: index guild; blobs command, outcome, style, model; doubles latency,
 * time to result, tokens in, tokens out, messages, cost. docs/analytics.md queries them by position:
 * append new fields, never reorder.
 */
export function dataPoint(usage: Usage): AnalyticsEngineDataPoint {
	return {
		indexes: [usage.guildId],
		blobs: [usage.command, usage.outcome, usage.style ?? "", usage.model ?? ""],
		doubles: [usage.latencyMs, usage.timeToResultMs ?? 0, usage.tokensIn ?? 0, usage.tokensOut ?? 0, usage.messages ?? 0, costOf(usage)],
	};
}

export function writeDataPoint(env: Env, usage: Usage): void {
	try {
		env.ANALYTICS.writeDataPoint(dataPoint(usage));
	} catch (error) {
		console.error(JSON.stringify({ event: "analytics.lost", reason: String(error) }));
	}
}

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
