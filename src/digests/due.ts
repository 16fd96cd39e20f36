// The cron trigger's half of digests: every hour, claim the periods that are due and enqueue one job
// each. Bounded per tick; a digest not reached waits for the next tick (and is skipped once stale).
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { claimPeriods, dueDigests, releasePeriods } from "../db/digests";
import type { DigestJob } from "../summarizer/job";
import { plan } from "./schedule";

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
				await releasePeriods(db, mine.filter((claim) => claim.job));
				throw error;
			}
			enqueued += jobs.length;
		}
		if (due.length < DUE_LIMITS.perRound) break;
	}
	return { enqueued, skipped };
}
