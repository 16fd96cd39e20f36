// Days in SQL, as the operator's pages group usage events and votes.
import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { DAY_MS } from "../lib/time";

/** The UTC day number of a column of epoch milliseconds; a literal divisor keeps the expression identical wherever it is repeated. */
export function dayNumberOf(column: AnyColumn): SQL<number> {
	return sql<number>`cast(${column} / ${sql.raw(String(DAY_MS))} as integer)`.mapWith(Number);
}
