// A usage event in D1: its row, and the write of those that the interaction path decided. A module of its
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

/** Rows an insert holds: D1 binds at most 100 values to a statement, and a row binds 11. */
const ROWS_PER_INSERT = 8;

/** Writes `usages` with one D1 call (a batch, all or none), whatever their number. */
export function writeUsageEvents(env: Env, usages: Usage[]): Promise<boolean> {
	const db = drizzle(env.DB);
	const rows = usages.map((usage) => usageRow(usage));
	const inserts = Array.from({ length: Math.ceil(rows.length / ROWS_PER_INSERT) }, (_, i) =>
		db
			.insert(usageEvents)
			.values(rows.slice(i * ROWS_PER_INSERT, (i + 1) * ROWS_PER_INSERT))
			.onConflictDoNothing(),
	);
	const [first, ...rest] = inserts;
	if (!first) return Promise.resolve(true);
	return writeOrLogLoss(
		usages.map((usage) => usage.guildId),
		() => db.batch([first, ...rest]),
	);
}
