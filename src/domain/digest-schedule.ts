// When digests are due. Pure: the cron trigger and /config pass the time in.
import { DAY_MS, DAY_S, HOUR_MS } from "../lib/time.ts"; // .ts: Node loads this for the scripts (interactions/commands.ts)

export const CADENCES = { off: "Off: stop the digest", daily: "Daily", weekly: "Weekly" } as const;
export type Cadence = keyof typeof CADENCES;
export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
export const DIGEST_DEFAULTS = { hourUtc: 9, weekday: 1 } as const;

export const PERIOD_SECONDS = { daily: DAY_S, weekly: 7 * DAY_S } as const;
/**
 * A digest later than this after its time is not posted: "yesterday's digest" at dinner is noise. The cron
 * trigger skips such a period (after an outage), and the consumer drops a job that waited this long.
 */
export const DIGEST_STALE_MS = 3 * HOUR_MS;

/** A digest's schedule: a stored one has a cadence other than "off". */
export interface Schedule {
	cadence: Exclude<Cadence, "off">;
	hourUtc: number;
	weekday: number | null;
}

/** The first time after `after` that the schedule names: its hour (UTC), on its weekday when weekly. */
export function nextRunAt(schedule: Schedule, after: number): number {
	const midnight = Math.floor(after / DAY_MS) * DAY_MS;
	if (schedule.cadence === "daily") {
		const at = midnight + schedule.hourUtc * HOUR_MS;
		return at > after ? at : at + DAY_MS;
	}
	const days = ((schedule.weekday ?? DIGEST_DEFAULTS.weekday) - new Date(midnight).getUTCDay() + 7) % 7;
	const at = midnight + days * DAY_MS + schedule.hourUtc * HOUR_MS;
	return at > after ? at : at + 7 * DAY_MS;
}
