// The cron trigger's half of digests: every hour, claim the periods that are due and enqueue one job
// each. Bounded per tick; a digest not reached waits for the next tick (and is skipped once stale).
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { claimPeriods, dueDigests, releasePeriods } from "../db/digests";
import type { DigestSchedule } from "../db/schema";
import { DIGEST_STALE_MS, nextRunAt, PERIOD_SECONDS, type Schedule } from "../domain/digest-schedule";
import type { DigestJob } from "../domain/job";
import { MAX_SINCE_SECONDS } from "../domain/limits";

/** Digests read and claimed per round (a queue batch holds at most 100 messages), and rounds per tick. */
export const DUE_LIMITS = { perRound: 100, rounds: 10 };

export async function enqueueDueDigests(db: DrizzleD1Database, queue: Queue, now: number): Promise<{ enqueued: number; skipped: number }> {
	let enqueued = 0;
	let skipped = 0;
	for (let round = 0; round < DUE_LIMITS.rounds; round++) {
		const due = await dueDigests(db, now, DUE_LIMITS.perRound);
		const plans = due.map((digest) => ({ digest, ...plan(digest, digest.defaultLanguage, now) }));
		const claimed = await claimPeriods(db, plans);
		const mine = plans.filter((_, i) => claimed[i]);
		const jobs = mine.flatMap((claim) => (claim.job ? [claim.job] : []));
		skipped += mine.length - jobs.length;
		if (jobs.length) {
			try {
				await queue.sendBatch(jobs.map((body): MessageSendRequest<DigestJob> => ({ body })));
			} catch (error) {
				// Unclaimed, the periods are due again at the next tick; the job ids keep a later duplicate from posting twice.
				await releasePeriods(
					db,
					mine.filter((claim) => claim.job),
				);
				throw error;
			}
			enqueued += jobs.length;
		}
		if (due.length < DUE_LIMITS.perRound) break;
	}
	return { enqueued, skipped };
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
