// Nearest-rank percentiles (the smallest value that at least p% of the values do not exceed), one
// definition for every reader: /stats picks the row at the offset, /admin ranks rows per day in SQL.
// Whole percents and integer arithmetic, so JavaScript and SQLite agree to the row.
import { type SQL, sql } from "drizzle-orm";

/** The 0-based position of the `percent`-th percentile (a whole number, 1–100) among `count` sorted values. */
export function percentileOffset(count: number, percent: number): number {
	return Math.floor((count * percent + 99) / 100) - 1;
}

/** The `percent`-th percentile of ascending `sorted` values; null when there are none. */
export function percentile(sorted: readonly number[], percent: number): number | null {
	return sorted.length ? sorted[percentileOffset(sorted.length, percent)] : null;
}

/** percentileOffset in SQL, as the 1-based row_number() holding the percentile among `count` rows. */
export function percentileRowSql(count: SQL, percent: number): SQL<number> {
	if (!Number.isInteger(percent) || percent < 1 || percent > 100)
		throw new RangeError(`percent must be a whole number from 1 to 100, not ${percent}`);
	// A literal, not a bound parameter: D1 may bind a number as REAL, and this division must stay integer.
	return sql<number>`(${count} * ${sql.raw(String(percent))} + 99) / 100`;
}
