// The Analytics Engine side of an interaction's record: one data point, within the dataset's limits
// (one index, blobs and doubles by position), that never fails the request and never holds content.
import type { UsageEvent } from "../db/schema";
import type { Vote } from "../domain/vote";
import { log, reason } from "../lib/log";
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

/**
 * What a data point records: an interaction's usage, or a member's vote on a summary (outcome "voted",
 * with the summary's style and model), which is no request and so has no usage event in D1.
 */
export type Point = Omit<Usage, "outcome"> & { outcome: Usage["outcome"] | "voted"; vote?: Vote };

/** Estimated cost in micro-USD; 0 when nothing was bought or the model's price is unknown. */
export function costOf(usage: Pick<Usage, "model" | "tokensIn" | "tokensOut">): number {
	return estimateCostMicroUsd(usage.model, usage.tokensIn ?? 0, usage.tokensOut ?? 0) ?? 0;
}

/**
 * The Analytics Engine point: index guild; blobs command, outcome, style, model, vote; doubles latency,
 * time to result, tokens in, tokens out, messages, cost. docs/analytics.md queries them by position:
 * append new fields, never reorder.
 */
export function dataPoint(usage: Point): AnalyticsEngineDataPoint {
	return {
		indexes: [usage.guildId],
		blobs: [usage.command, usage.outcome, usage.style ?? "", usage.model ?? "", usage.vote ?? ""],
		doubles: [usage.latencyMs, usage.timeToResultMs ?? 0, usage.tokensIn ?? 0, usage.tokensOut ?? 0, usage.messages ?? 0, costOf(usage)],
	};
}

export function writeDataPoint(env: Env, usage: Point): void {
	try {
		env.ANALYTICS.writeDataPoint(dataPoint(usage));
	} catch (error) {
		log({ event: "analytics.lost", reason: reason(error) });
	}
}
