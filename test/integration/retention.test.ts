// The cron trigger's retention: exactly the rows past their retention go, however many there are.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { expect, it } from "vitest";
import { guildSettings, llmTokens, summaries, summaryVotes, usageEvents } from "../../src/db/schema";
import { snowflakeAt } from "../../src/domain/snowflake";
import worker from "../../src/index";

const DAY = 86_400_000;
const db = drizzle(env.DB);

function summary(id: string, guildId: string, createdAt: number) {
	return {
		id,
		guildId,
		channelId: "1",
		requesterId: "2",
		rangeKind: "count" as const,
		style: "brief" as const,
		language: "en-US",
		model: "extractive",
		public: false,
		messageCount: 10,
		createdAt: new Date(createdAt),
	};
}

function event(id: string, createdAt: number) {
	return {
		id,
		guildId: "g",
		userId: "u",
		command: "summarize",
		outcome: "delivered" as const,
		latencyMs: 1,
		createdAt: new Date(createdAt),
	};
}

it("deletes summaries past each guild's retention, usage events past 90 days and budget days past 7, in batches", async () => {
	const now = Date.UTC(2026, 10, 22, 12);
	await db.insert(guildSettings).values({ guildId: "short", retentionDays: 1, updatedBy: "admin", updatedAt: new Date(now) });
	await db
		.insert(summaries)
		.values([
			summary("short-old", "short", now - 2 * DAY),
			summary("short-new", "short", now - DAY / 2),
			summary("default-old", "default", now - 31 * DAY),
			summary("default-new", "default", now - 29 * DAY),
		]);
	const expired = Array.from({ length: 1_234 }, (_, i) => event(`old-${i}`, now - 91 * DAY - i));
	for (let i = 0; i < expired.length; i += 10) await db.insert(usageEvents).values(expired.slice(i, i + 10));
	await db.insert(usageEvents).values(event("recent", now - 89 * DAY));
	const today = Math.floor(now / DAY);
	await db.insert(llmTokens).values([
		{ scope: "g", day: today - 8, used: 1 },
		{ scope: "g", day: today - 7, used: 2 },
		{ scope: "*", day: today, used: 3 },
	]);

	await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "0 * * * *" }), env);

	expect((await db.select({ id: summaries.id }).from(summaries)).map((row) => row.id).sort()).toEqual(["default-new", "short-new"]);
	expect((await db.select({ id: usageEvents.id }).from(usageEvents)).map((row) => row.id)).toEqual(["recent"]);
	expect((await db.select({ used: llmTokens.used }).from(llmTokens)).map((row) => row.used).sort()).toEqual([2, 3]);
});

it("deletes votes with the summaries they are on: past the guild's retention, counted from the summary", async () => {
	const now = Date.UTC(2026, 10, 22, 12);
	await db.insert(guildSettings).values([
		{ guildId: "week", retentionDays: 7, updatedBy: "admin", updatedAt: new Date(now) },
		{ guildId: "none", keepHistory: false, updatedBy: "admin", updatedAt: new Date(now) },
	]);
	// A summary's message id says when it was delivered; a vote made later on an old summary goes with it.
	const vote = (guildId: string, summaryDaysAgo: number, userId = "u") => {
		const summaryAt = now - summaryDaysAgo * DAY;
		return {
			messageId: `${snowflakeAt(summaryAt)}`,
			userId,
			guildId,
			vote: "up" as const,
			style: "brief" as const,
			model: "extractive",
			summaryAt: new Date(summaryAt),
			votedAt: new Date(now - DAY / 24),
		};
	};
	await db
		.insert(summaryVotes)
		.values([vote("week", 8), vote("week", 8, "other"), vote("week", 6), vote("default", 31), vote("default", 29), vote("none", 1 / 24)]);

	await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "0 * * * *" }), env);

	const left = await db.select({ guildId: summaryVotes.guildId, summaryAt: summaryVotes.summaryAt }).from(summaryVotes);
	expect(left.map((row) => `${row.guildId}:${(now - row.summaryAt.getTime()) / DAY}`).sort()).toEqual(["default:29", "week:6"]);
});
