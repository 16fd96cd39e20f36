// The digests' D1 side for the cron trigger and the consumer: which are due, claiming a period (a
// compare-and-set on its time, so overlapping ticks claim it once), turning one off, noting one posted.
import { and, eq, isNull, lt, lte, or } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { type DigestSchedule, digestSchedules, guildSettings } from "./schema";

export type DueDigest = DigestSchedule & { nextRunAt: Date; defaultLanguage: string | null };

const byChannel = (digest: { guildId: string; channelId: string }) =>
	and(eq(digestSchedules.guildId, digest.guildId), eq(digestSchedules.channelId, digest.channelId));

/** The longest-waiting enabled digests due at `now`, at most `limit`. */
export async function dueDigests(db: DrizzleD1Database, now: number, limit: number): Promise<DueDigest[]> {
	const rows = await db
		.select({ digest: digestSchedules, defaultLanguage: guildSettings.defaultLanguage })
		.from(digestSchedules)
		.leftJoin(guildSettings, eq(guildSettings.guildId, digestSchedules.guildId))
		.where(and(eq(digestSchedules.enabled, true), lte(digestSchedules.nextRunAt, new Date(now))))
		.orderBy(digestSchedules.nextRunAt)
		.limit(limit);
	return rows.flatMap(({ digest, defaultLanguage }) =>
		digest.nextRunAt ? [{ ...digest, nextRunAt: digest.nextRunAt, defaultLanguage }] : [],
	);
}

/**
 * Moves each digest from the period it is due for to `next`, in one batch; returns which moves happened.
 * A digest another tick moved first (or /config changed) is left alone: that period is someone else's.
 */
export async function claimPeriods(db: DrizzleD1Database, claims: { digest: DueDigest; next: number }[]): Promise<boolean[]> {
	if (!claims.length) return [];
	const [first, ...rest] = claims.map(({ digest, next }) =>
		db
			.update(digestSchedules)
			.set({ nextRunAt: new Date(next) })
			.where(and(byChannel(digest), eq(digestSchedules.nextRunAt, digest.nextRunAt))),
	);
	const results = await db.batch([first, ...rest]);
	return results.map((result) => result.meta.changes === 1);
}

/** Gives claimed periods back (their jobs could not be enqueued), unless something moved them since. */
export async function releasePeriods(db: DrizzleD1Database, claims: { digest: DueDigest; next: number }[]): Promise<void> {
	if (!claims.length) return;
	const [first, ...rest] = claims.map(({ digest, next }) =>
		db
			.update(digestSchedules)
			.set({ nextRunAt: digest.nextRunAt })
			.where(and(byChannel(digest), eq(digestSchedules.nextRunAt, new Date(next)))),
	);
	await db.batch([first, ...rest]);
}

/** Turns a digest off, with the reason /config view shows. */
export async function disableDigest(db: DrizzleD1Database, digest: { guildId: string; channelId: string }, reason: string): Promise<void> {
	await db.update(digestSchedules).set({ enabled: false, disabledReason: reason, nextRunAt: null }).where(byChannel(digest));
}

/** Notes the period that ended at `scheduledAt` as posted: the next digest summarizes from there. */
export async function markPosted(
	db: DrizzleD1Database,
	digest: { guildId: string; channelId: string; scheduledAt: number },
): Promise<void> {
	const at = new Date(digest.scheduledAt);
	await db
		.update(digestSchedules)
		.set({ lastRunAt: at })
		.where(and(byChannel(digest), or(isNull(digestSchedules.lastRunAt), lt(digestSchedules.lastRunAt, at))));
}
