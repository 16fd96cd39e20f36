// /stats from the usage events of the last 24 hours and 7 days.
import { env } from "cloudflare:workers";
import { MessageFlags } from "discord-api-types/v10";
import { drizzle } from "drizzle-orm/d1";
import { expect, it } from "vitest";
import { utcDay } from "../../src/db/llm-budget";
import { llmTokens, summaryVotes, usageEvents } from "../../src/db/schema";
import { guildStats } from "../../src/metrics/stats";
import { chatCommand, id, sendOk } from "../helpers/interactions";
import { firstResult } from "../helpers/stand-in";

const db = drizzle(env.DB);
const HOUR = 3_600_000;

function event(
	guildId: string,
	outcome: "delivered" | "cached" | "joined" | "rate_limited" | "refused" | "failed" | "expired",
	hoursAgo: number,
	timeToResultMs: number | null = null,
	tokens = 0,
	costMicroUsd = 0,
) {
	return {
		id: id(),
		guildId,
		userId: "u",
		command: "summarize",
		outcome,
		latencyMs: 1,
		timeToResultMs,
		tokensIn: tokens,
		tokensOut: 0,
		costMicroUsd,
		createdAt: new Date(Date.now() - hoursAgo * HOUR),
	};
}

it("counts outcomes, cache savings, percentiles and tokens per period", async () => {
	const guildId = id();
	const events = [
		...[1000, 2000, 3000, 4000, 10_000].map((ms) => event(guildId, "delivered", 1, ms, 100, 15)),
		event(guildId, "cached", 2),
		event(guildId, "joined", 2),
		event(guildId, "rate_limited", 3),
		event(guildId, "refused", 3),
		event(guildId, "failed", 3),
		event(guildId, "delivered", 48, 500, 1000, 0),
		event(guildId, "expired", 100),
		event(id(), "delivered", 1, 1, 5),
	];
	for (const row of events) await db.insert(usageEvents).values(row);

	const day = await guildStats(db, guildId, new Date(Date.now() - 24 * HOUR));
	expect(day).toEqual({
		requests: 10,
		saved: 2,
		delivered: 5,
		rateLimited: 1,
		refused: 1,
		failed: 1,
		p50Ms: 3000,
		p95Ms: 10_000,
		tokens: 500,
		costMicroUsd: 75,
		unpricedTokens: 0,
	});
	const week = await guildStats(db, guildId, new Date(Date.now() - 7 * 24 * HOUR));
	// Nearest rank: of 500, 1000, 2000, 3000, 4000 and 10,000 ms, half are at most 2000.
	expect(week).toMatchObject({ requests: 12, delivered: 6, failed: 2, tokens: 1500, p50Ms: 2000, costMicroUsd: 75, unpricedTokens: 1000 });
	expect(await guildStats(db, id(), new Date(0))).toMatchObject({ requests: 0, p50Ms: null });

	await db.insert(llmTokens).values({ scope: guildId, day: utcDay(Date.now()), used: 1_500_000 });
	const interaction = chatCommand("stats", [], { guildId });
	expect(await sendOk(interaction)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
	const result = await firstResult(interaction.token);
	const text = JSON.stringify(result.body);
	expect(text).toContain("Last 24 hours");
	expect(text).toContain("**10** requests");
	expect(text).toContain("29%");
	expect(text).toContain("estimated cost **$0.0001**");
	expect(text).toContain("estimated cost **≥ $0.0001**");
	expect(text).toContain("LLM budget today (UTC)");
	expect(text).toContain("**1,500,000** of 2,000,000 tokens (75%) · renews <t:");
});

it("shows the helpful rate of the last 7 days from this guild's votes", async () => {
	const guildId = id();
	const vote = (guild: string, vote: "up" | "down", hoursAgo: number) => ({
		messageId: id(),
		userId: id(),
		guildId: guild,
		vote,
		style: "brief" as const,
		model: "extractive",
		summaryAt: new Date(Date.now() - (hoursAgo + 1) * HOUR),
		votedAt: new Date(Date.now() - hoursAgo * HOUR),
	});
	await db
		.insert(summaryVotes)
		.values([vote(guildId, "up", 1), vote(guildId, "up", 100), vote(guildId, "down", 2), vote(guildId, "down", 200), vote(id(), "up", 1)]);

	const interaction = chatCommand("stats", [], { guildId });
	expect((await sendOk(interaction)).type).toBe(5);
	const fields = (await firstResult(interaction.token)).body as { embeds: { fields: { name: string; value: string }[] }[] };
	expect(fields.embeds[0].fields[2]).toEqual({ name: "Helpful, last 7 days", value: "**67%** found helpful (2 👍 · 1 👎)" });

	const quiet = chatCommand("stats", [], { guildId: id() });
	await sendOk(quiet);
	expect(JSON.stringify((await firstResult(quiet.token)).body)).toContain("No votes yet");
});
