// A usage event in D1: its row, and the write of one that the interaction path decided. A module of its
// own, imported in `waitUntil` (record.ts): drizzle and the schema are compiled after an isolate's first
// answer, not before it.
import { drizzle } from "drizzle-orm/d1";
import { type UsageEvent, usageEvents } from "../db/schema";
import { writeOrLogLoss } from "../db/writes";
import { costOf, type Usage } from "./analytics";

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

export function writeUsageEvent(env: Env, usage: Usage): Promise<boolean> {
	return writeOrLogLoss(usage.guildId, () => drizzle(env.DB).insert(usageEvents).values(usageRow(usage)).onConflictDoNothing());
}
