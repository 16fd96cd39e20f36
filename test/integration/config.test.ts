// /config through the Worker: Manage Server checked, values validated, settings saved in D1 and pushed to
// the guild's Durable Object, which enforces them on /summarize, also after eviction.
import { createExecutionContext, createMessageBatch, createScheduledController, evictDurableObject, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type APIInteractionResponse, MessageFlags } from "discord-api-types/v10";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { guildSettings, summaries, usageEvents } from "../../src/db/schema";
import type { SummaryJob } from "../../src/domain/job";
import type { SummaryMessage } from "../../src/guild/guild-object";
import worker from "../../src/index";
import { config, configAnswer } from "../helpers/config";
import { finishJob, guild } from "../helpers/guild";
import { ADMIN, chatCommand, id, READ, sendOk, summarize } from "../helpers/interactions";
import { message, user } from "../helpers/messages";
import { resultsFor, seedChannel } from "../helpers/stand-in";

const db = drizzle(env.DB);
const SUMMARY: SummaryMessage = { embeds: [{ title: "Summary — last 100 messages", description: "They agreed to ship on Friday." }] };

let enqueue: MockInstance<Queue["send"]>;
beforeEach(() => {
	enqueue = vi.spyOn(env.SUMMARY_QUEUE, "send");
});
afterEach(() => {
	vi.restoreAllMocks();
});
const jobs = () => enqueue.mock.calls.map(([body]) => body as SummaryJob);

function expectEphemeral(response: APIInteractionResponse, text: string | RegExp) {
	expect(response).toMatchObject({
		type: 4,
		data: { flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] }, content: expect.stringMatching(text) },
	});
}

describe("/config permissions", () => {
	it("refuses members without Manage Server at once, and changes nothing", async () => {
		const guildId = id();
		expectEphemeral(
			await sendOk(config("set", { style: "detailed" }, { guildId, permissions: READ })),
			/^Only members with \*\*Manage Server\*\*/,
		);
		expectEphemeral(await sendOk(config("view", {}, { guildId, permissions: READ })), /Manage Server/);
		expect(await db.select().from(guildSettings).where(eq(guildSettings.guildId, guildId))).toEqual([]);
	});

	it("lets an Administrator in without Manage Server", async () => {
		const { embed } = await configAnswer(config("view", {}, { permissions: ADMIN }));
		expect(embed.title).toBe("Summary Bot settings");
	});
});

describe("/config view and set", () => {
	it("shows the defaults, marked, for a guild that changed nothing", async () => {
		const { content, text } = await configAnswer(config("view"));
		expect(content).toBeUndefined();
		expect(text).toContain("Nothing changed yet: these are the defaults.");
		expect(text).toContain("Rate limits: 30 summaries an hour for the server *(default)*\n6 per 10 minutes for each member *(default)*");
		expect(text).toContain("Default style: Brief *(default)*");
		expect(text).toContain("Default language: Each member's own *(default)*");
		expect(text).toContain("History: Kept 30 days *(default)*");
		expect(text).toContain("**Digests**\nNone.");
	});

	it("saves each setting in D1, gives the guild's Durable Object its part, and shows the values in effect", async () => {
		const guildId = id();
		const set = config(
			"set",
			{ guild_per_hour: 100, user_per_10_minutes: 3, style: "bullets", language: "de", retention_days: 90, keep_history: true },
			{ guildId },
		);
		const { content, text } = await configAnswer(set);
		expect(content).toBe("Saved.");
		expect(text).toContain("100 summaries an hour for the server\n3 per 10 minutes for each member\n");
		expect(text).toContain("Default style: Bullet points\n");
		expect(text).toContain("Default language: German (`de`)");
		expect(text).toMatch(/History: Kept 90 days$/);
		expect(text).toContain(`by <@${set.member.user.id}>`);
		const [row] = await db.select().from(guildSettings).where(eq(guildSettings.guildId, guildId));
		expect(row).toMatchObject({
			guildPerHour: 100,
			userPer10Minutes: 3,
			defaultStyle: "bullets",
			defaultLanguage: "de",
			retentionDays: 90,
			keepHistory: true,
			updatedBy: set.member.user.id,
		});
		expect(await guild(guildId).settings()).toEqual({
			guildPerHour: 100,
			userPer10Minutes: 3,
			defaultStyle: "bullets",
			defaultLanguage: "de",
			revision: row.updatedAt.getTime(),
		});

		// A later change keeps what it doesn't name; `language:auto` goes back to each member's own.
		expect((await configAnswer(config("set", { language: "auto" }, { guildId }))).text).toContain("Default style: Bullet points\n");
		expect((await db.select().from(guildSettings).where(eq(guildSettings.guildId, guildId)))[0]).toMatchObject({
			defaultStyle: "bullets",
			defaultLanguage: null,
		});
	});

	it("answers a bad value or an empty set at once, saying what to do, and stores nothing", async () => {
		const guildId = id();
		expectEphemeral(await sendOk(config("set", {}, { guildId })), /^Nothing to change: give one or more of `guild_per_hour`/);
		expectEphemeral(
			await sendOk(config("set", { retention_days: 0 }, { guildId })),
			"`retention_days` must be a whole number from 1 to 365.",
		);
		expectEphemeral(await sendOk(config("set", { language: "elvish" }, { guildId })), /`language` must be a language code/);
		expectEphemeral(await sendOk(config("set", { guild_per_hour: 5000 }, { guildId })), /from 1 to 1,000/);
		expectEphemeral(await sendOk(config("digest", { cadence: "daily", weekday: 1 }, { guildId })), /`weekday` is for weekly digests/);
		expectEphemeral(
			await sendOk({ ...chatCommand("config", [], { guildId, permissions: ADMIN }) }),
			/Use `\/config view`, `\/config set` or `\/config digest`/,
		);
		expect(await db.select().from(guildSettings).where(eq(guildSettings.guildId, guildId))).toEqual([]);
	});
});

describe("settings the guild's Durable Object enforces", () => {
	it("a member limit of 1 per 10 minutes denies the second summary, also after the object is evicted", async () => {
		const guildId = id();
		await configAnswer(config("set", { user_per_10_minutes: 1 }, { guildId }));
		const userId = id();
		expect((await sendOk(summarize({}, { guildId, userId }))).type).toBe(5);
		expectEphemeral(
			await sendOk(summarize({}, { guildId, userId })),
			/You've asked for several summaries in a short time. Try again <t:\d+:R>/,
		);

		await evictDurableObject(guild(guildId));
		const other = id();
		expect((await sendOk(summarize({}, { guildId, userId: other }))).type).toBe(5);
		expectEphemeral(await sendOk(summarize({}, { guildId, userId: other })), /You've asked for several summaries/);
	});

	it("a server limit caps the whole guild", async () => {
		const guildId = id();
		await configAnswer(config("set", { guild_per_hour: 3 }, { guildId }));
		const answers = [];
		for (let i = 0; i < 3; i++) answers.push(await sendOk(summarize({}, { guildId })));
		expect(answers.map((answer) => answer.type)).toEqual([5, 4, 4]);
		expectEphemeral(answers[1], /This server has asked for many summaries lately/);
	});

	it("the default style and language apply when the member chose none, and never serve a summary made in another", async () => {
		const guildId = id();
		const channelId = id();
		const lastMessageId = id();
		const context = { guildId, channelId, lastMessageId };
		// A brief summary, cached in the guild's object and then in this isolate.
		await sendOk(summarize({}, context));
		await finishJob(jobs()[0], SUMMARY);
		expect((await sendOk(summarize({}, context))).type).toBe(4);
		expect((await sendOk(summarize({}, context))).type).toBe(4);

		await configAnswer(config("set", { style: "detailed", language: "de" }, { guildId }));
		enqueue.mockClear();
		expect((await sendOk(summarize({}, context))).type).toBe(5);
		expect(jobs()).toMatchObject([{ style: "detailed", locale: "de", key: `${channelId}:n100:detailed:de@${lastMessageId}` }]);

		// A style the member picks wins; the cached brief summary is still there for whoever asks for brief.
		expect((await sendOk(summarize({ style: "bullets" }, context))).type).toBe(5);
		expect(jobs()[1]).toMatchObject({ style: "bullets", locale: "de" });
		await configAnswer(config("set", { language: "auto" }, { guildId }));
		expect(await sendOk(summarize({ style: "brief" }, context))).toMatchObject({ type: 4, data: { embeds: SUMMARY.embeds } });
	});

	it("with history off, the consumer keeps no summary but still the usage event, and /summaries says so", async () => {
		const guildId = id();
		const channelId = id();
		await configAnswer(config("set", { keep_history: false }, { guildId, channelId }));
		const alice = user("alice");
		await seedChannel(channelId, [
			message(alice, "We ship the release on Friday after the migration passes", 0, { channel_id: channelId }),
			message(alice, "I'll write the notes", 1, { channel_id: channelId }),
		]);
		// The job is taken off the queue here, to run it with a batch of our own.
		enqueue.mockImplementationOnce(async () => undefined as never);
		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId: null }))).type).toBe(5);
		const [job] = jobs();
		const batch = createMessageBatch<SummaryJob>("summary-jobs", [{ id: "m0", timestamp: new Date(), attempts: 1, body: job }]);
		await worker.queue(batch, env);
		expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(["m0"]);
		expect(await db.select().from(usageEvents).where(eq(usageEvents.id, job.interactionId))).toMatchObject([{ outcome: "delivered" }]);
		expect(await db.select().from(summaries).where(eq(summaries.id, job.interactionId))).toEqual([]);

		const list = chatCommand("summaries", [], { guildId, channelId });
		await sendOk(list);
		const answer = await vi.waitUntil(
			async () => ((await resultsFor(list.token))[0]?.body as { content?: string } | undefined)?.content ?? false,
		);
		expect(answer).toMatch(/^Summary history is off in this server/);
	});

	it("with history off, the hourly cron trigger deletes the summaries kept before", async () => {
		const guildId = id();
		const kept = {
			guildId,
			channelId: id(),
			requesterId: id(),
			rangeKind: "count" as const,
			style: "brief" as const,
			language: "en-US",
			model: "extractive",
			public: false,
			messageCount: 2,
			createdAt: new Date(),
		};
		await db.insert(summaries).values([
			{ ...kept, id: id() },
			{ ...kept, id: id(), guildId: id() },
		]);
		const { content } = await configAnswer(config("set", { keep_history: false }, { guildId }));
		expect(content).toBe("Saved.\nHistory is off: no summary is kept from now on, and those kept so far are deleted within the hour.");
		await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "0 * * * *" }), env);
		expect(await db.select().from(summaries).where(eq(summaries.guildId, guildId))).toEqual([]);
		// Another guild's summary stays.
		expect(await db.select().from(summaries).where(eq(summaries.channelId, kept.channelId))).toHaveLength(1);
	});
});
