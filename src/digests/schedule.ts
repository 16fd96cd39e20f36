// When digests are due and what each one summarizes. Pure: the cron trigger and /config pass the time in.
import { DIGEST_DEFAULTS, MAX_SINCE_SECONDS } from "../discord/commands";
import type { DigestSchedule } from "../db/schema";
import type { DigestJob } from "../summarizer/job";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const PERIOD_SECONDS = { daily: 86_400, weekly: 7 * 86_400 } as const;
/**
 * A digest later than this after its time is not posted: "yesterday's digest" at dinner is noise. The cron
 * trigger skips such a period (after an outage), and the consumer drops a job that waited this long.
 */
export const DIGEST_STALE_MS = 3 * HOUR_MS;

export type Schedule = Pick<DigestSchedule, "cadence" | "hourUtc" | "weekday">;

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

/**
 * What a tick does with a due digest: the next time to claim (always after `now`, so missed periods are not
 * caught up), and the job for the period that ended at `nextRunAt`, unless that is too long ago.
 */
export function plan(
	digest: Pick<DigestSchedule, "guildId" | "channelId" | "style" | "locale" | "lastRunAt"> & Schedule & { nextRunAt: Date },
	defaultLanguage: string | null,
	now: number,
): { next: number; job: DigestJob | null } {
	const scheduledAt = digest.nextRunAt.getTime();
	const next = nextRunAt(digest, Math.max(now, scheduledAt));
	if (now - scheduledAt > DIGEST_STALE_MS) return { next, job: null };
	const since = digest.lastRunAt ? Math.round((scheduledAt - digest.lastRunAt.getTime()) / 1000) : PERIOD_SECONDS[digest.cadence];
	return {
		next,
		job: {
			kind: "digest",
			version: 1,
			id: `digest:${digest.guildId}:${digest.channelId}:${scheduledAt}`,
			guildId: digest.guildId,
			channelId: digest.channelId,
			cadence: digest.cadence,
			style: digest.style,
			locale: defaultLanguage ?? digest.locale,
			scheduledAt,
			seconds: Math.min(MAX_SINCE_SECONDS, Math.max(60, since)),
		},
	};
}
