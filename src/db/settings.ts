// A guild's settings and digests in D1, the source of truth: /config reads and writes them after its
// answer, never before it. Writes are upserts keyed by the guild (and channel), so repeating one changes nothing.
import { and, eq, ne, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { type DigestSchedule, digestSchedules, type GuildSettings, guildSettings } from "./schema";

/** Digests a guild may have: each one is a summary a day or a week, and the cron trigger's work. */
export const MAX_DIGESTS = 5;

export type SettingsChange = Partial<
	Pick<
		GuildSettings,
		"guildPerHour" | "userPer10Minutes" | "llmTokensPerDay" | "defaultStyle" | "defaultLanguage" | "retentionDays" | "keepHistory"
	>
>;
export type DigestRow = typeof digestSchedules.$inferInsert;

export async function readConfig(
	db: DrizzleD1Database,
	guildId: string,
): Promise<{ settings: GuildSettings | undefined; digests: DigestSchedule[] }> {
	const [settings, digests] = await db.batch([
		db.select().from(guildSettings).where(eq(guildSettings.guildId, guildId)),
		db
			.select()
			.from(digestSchedules)
			.where(eq(digestSchedules.guildId, guildId))
			.orderBy(digestSchedules.createdAt)
			.limit(MAX_DIGESTS * 2),
	]);
	return { settings: settings[0], digests };
}

/** Applies a change in one statement, so two admins' changes to different settings both stay. */
export async function saveSettings(
	db: DrizzleD1Database,
	guildId: string,
	change: SettingsChange,
	by: { userId: string; at: Date },
): Promise<GuildSettings> {
	const changed = { ...change, updatedBy: by.userId, updatedAt: by.at };
	const [row] = await db
		.insert(guildSettings)
		.values({ guildId, ...changed })
		.onConflictDoUpdate({ target: guildSettings.guildId, set: changed })
		.returning();
	return row;
}

/** Saves a channel's digest, enabled and due at `nextRunAt`; false when the guild already has its most. */
export async function saveDigest(db: DrizzleD1Database, digest: DigestRow): Promise<boolean> {
	const others = await db
		.select({ n: sql<number>`count(*)` })
		.from(digestSchedules)
		.where(and(eq(digestSchedules.guildId, digest.guildId), ne(digestSchedules.channelId, digest.channelId)));
	if ((others[0]?.n ?? 0) >= MAX_DIGESTS) return false;
	// Re-saving a digest turns it on again and starts it afresh: its first period is a whole day or week.
	const { guildId, channelId, ...schedule } = digest;
	await db
		.insert(digestSchedules)
		.values(digest)
		.onConflictDoUpdate({
			target: [digestSchedules.guildId, digestSchedules.channelId],
			set: { ...schedule, enabled: true, disabledReason: null, lastRunAt: null },
		});
	return true;
}

/** Stops a channel's digest; false when there was none. */
export async function removeDigest(db: DrizzleD1Database, guildId: string, channelId: string): Promise<boolean> {
	const removed = await db
		.delete(digestSchedules)
		.where(and(eq(digestSchedules.guildId, guildId), eq(digestSchedules.channelId, channelId)))
		.returning({ channelId: digestSchedules.channelId });
	return removed.length > 0;
}

/** Whether the guild keeps summary history (the default) or asked for none. */
export async function keepsHistory(db: DrizzleD1Database, guildId: string): Promise<boolean> {
	const [row] = await db.select({ keepHistory: guildSettings.keepHistory }).from(guildSettings).where(eq(guildSettings.guildId, guildId));
	return row?.keepHistory ?? true;
}
