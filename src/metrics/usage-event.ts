// A usage event in D1: its row, and the write of those that the interaction path decided. A module of its
// own, imported in `waitUntil` (record.ts): drizzle and the schema are compiled after an isolate's first
// answer, not before it.
import { getTableColumns, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
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

/** The columns in the table's order, which an INSERT … SELECT fills by position. */
const COLUMNS = Object.entries(getTableColumns(usageEvents));
const FIELDS = sql.join(
	COLUMNS.map((_, i) => sql.raw(`json_extract(value, '$[${i}]')`)),
	sql`, `,
);

/** Rows an insert holds: far more than an isolate gathers in a window, far less than D1's 2 MB for a bound value. */
const ROWS_PER_INSERT = 1000;

/** `rows` as one statement binding one value, a JSON array of rows: D1's work per row is SQLite's alone. */
function insertOf(db: DrizzleD1Database, rows: UsageEvent[]) {
	const values = rows.map((row) =>
		COLUMNS.map(([key, column]) => {
			const value = row[key as keyof UsageEvent];
			return value == null ? null : column.mapToDriverValue(value);
		}),
	);
	const json = JSON.stringify(values);
	// `where true`: SQLite reads an ON CONFLICT after a bare SELECT's FROM as a join's ON.
	return db.insert(usageEvents).select(sql`select ${FIELDS} from json_each(${json}) where true`).onConflictDoNothing();
}

/** Writes `usages` with one D1 call (a batch, all or none), whatever their number. */
export function writeUsageEvents(env: Env, usages: Usage[]): Promise<boolean> {
	const db = drizzle(env.DB);
	const rows = usages.map((usage) => usageRow(usage));
	const inserts = Array.from({ length: Math.ceil(rows.length / ROWS_PER_INSERT) }, (_, i) =>
		insertOf(db, rows.slice(i * ROWS_PER_INSERT, (i + 1) * ROWS_PER_INSERT)),
	);
	const [first, ...rest] = inserts;
	if (!first) return Promise.resolve(true);
	return writeOrLogLoss(
		usages.map((usage) => usage.guildId),
		() => db.batch([first, ...rest]),
	);
}
