// The migrations apply from empty and give the tables and indexes the queries rely on.
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { summaries, usageEvents } from "../../src/db/schema";

describe("D1 migrations", () => {
	it("create every table and index", async () => {
		const { results } = await env.DB.prepare(
			"SELECT type, name FROM sqlite_master WHERE name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY type, name",
		).all();
		expect(results.map((row) => `${row.type}:${row.name}`)).toEqual([
			"index:digests_due",
			"index:llm_tokens_by_day",
			"index:summaries_by_channel_time",
			"index:summaries_by_guild_time",
			"index:summaries_by_requester_time",
			"index:usage_by_guild_time",
			"index:usage_by_time",
			"index:votes_by_guild_time",
			"index:votes_by_time",
			"table:d1_migrations",
			"table:digest_schedules",
			"table:guild_settings",
			"table:llm_tokens",
			"table:member_opt_outs",
			"table:summaries",
			"table:summary_votes",
			"table:usage_events",
		]);
	});

	it("key rows by interaction id, so a repeated write stays one row", async () => {
		const db = drizzle(env.DB);
		const event = {
			id: "111",
			guildId: "1",
			userId: "2",
			command: "summarize",
			outcome: "delivered" as const,
			latencyMs: 3,
			createdAt: new Date(),
		};
		for (let i = 0; i < 2; i++) await db.insert(usageEvents).values(event).onConflictDoNothing();
		expect(await db.select().from(usageEvents)).toHaveLength(1);
		await expect(
			db.insert(summaries).values({
				id: "x",
				guildId: "1",
				channelId: "2",
				requesterId: "3",
				rangeKind: "count",
				style: "brief",
				language: "en-US",
				model: "extractive",
				public: false,
				messageCount: 10,
				createdAt: new Date(),
			}),
		).resolves.toBeDefined();
	});
});
