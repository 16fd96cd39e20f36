// Lengths of time, in the units the code counts them in.
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const MINUTE_S = 60;
export const HOUR_S = 60 * MINUTE_S;
export const DAY_S = 24 * HOUR_S;
export const WEEK_S = 7 * DAY_S;

/** The UTC days from `since` to `until`, both included, as day numbers (whole days since the Unix epoch). */
export function utcDays(since: Date, until: Date): number[] {
	const first = Math.floor(since.getTime() / DAY_MS);
	return Array.from({ length: Math.floor(until.getTime() / DAY_MS) - first + 1 }, (_, i) => first + i);
}

/** A day number as its UTC date, YYYY-MM-DD. */
export function utcDate(day: number): string {
	return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
