// Digests end to end: /config digest saves a schedule, the Worker's scheduled handler enqueues the due
// period, the real queue delivers it, and the summary appears in the channel as a bot message, once.
// Discord refusing the bot there turns the digest off, and /config view says why.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { APIMessage } from "discord-api-types/v10";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, describe, expect, it, vi } from "vitest";
import { digestSchedules, summaries, usageEvents } from "../../src/db/schema";
import type { DigestJob, QueueJob } from "../../src/domain/job";
import { snowflakeAt } from "../../src/domain/snowflake";
import worker from "../../src/index";
import { config, configAnswer } from "../helpers/config";
import { id } from "../helpers/interactions";
import { user } from "../helpers/messages";
import { seedChannel } from "../helpers/stand-in";
import { messageObject } from "../stand-ins/discord-messages";

const db = drizzle(env.DB);
const [alice, bob] = [user("alice"), user("bob")];

afterEach(() => {
	vi.restoreAllMocks();
});

/** A conversation of the last half hour: inside the period of a digest due now. */
function recentConversation(channelId: string): APIMessage[] {
	const lines: [typeof alice, string][] = [
		[alice, "We agreed to ship the release candidate on Friday once the staging migration passes"],
		[bob, "The staging migration failed because the usage index build timed out"],
		[alice, "Bob will rerun the migration tonight with the index built concurrently"],
		[bob, "I'll post the timings in the release channel tomorrow morning"],
	];
	const start = Date.now() - 30 * 60_000;
	return lines.map(([author, content], i) => {
		const at = start + i * 5 * 60_000;
		return messageObject({
			id: (snowflakeAt(at) + BigInt(i)).toString(),
			channel_id: channelId,
			author,
			content,
			timestamp: new Date(at).toISOString(),
		});
	});
}

const digestRow = async (guildId: string, channelId: string) =>
	(
		await db
			.select()
			.from(digestSchedules)
			.where(and(eq(digestSchedules.guildId, guildId), eq(digestSchedules.channelId, channelId)))
	)[0];

/** Sets up a daily digest of a channel with a conversation in it, and makes it due now. */
async function dueDigest(options: Record<string, string | number> = {}) {
	const guildId = id();
	const channelId = id();
	await seedChannel(channelId, recentConversation(channelId));
	const { content } = await configAnswer(config("digest", { cadence: "daily", ...options }, { guildId, channelId }));
	expect(content).toMatch(new RegExp(`^Saved: the first digest of <#${channelId}> is posted <t:\\d+:R>\\.$`));
	const dueAt = Date.now() - 1000;
	await db
		.update(digestSchedules)
		.set({ nextRunAt: new Date(dueAt) })
		.where(and(eq(digestSchedules.guildId, guildId), eq(digestSchedules.channelId, channelId)));
	return { guildId, channelId, dueAt, jobId: `digest:${guildId}:${channelId}:${dueAt}` };
}

const tick = (scheduledTime = Date.now()) => worker.scheduled(createScheduledController({ scheduledTime, cron: "0 * * * *" }), env);

async function botMessages(channelId: string): Promise<APIMessage[]> {
	const messages: APIMessage[] = await (await fetch(`http://discord.test/__emulator/channels/${channelId}/messages?limit=100`)).json();
	return messages.filter((message) => message.author.bot);
}

const usageOf = (jobId: string) =>
	vi.waitUntil(async () => (await db.select().from(usageEvents).where(eq(usageEvents.id, jobId)))[0] ?? false, { timeout: 10_000 });

describe("digests", () => {
	it("posts the period's summary in the channel on a cron tick, once, however often ticks and deliveries repeat", async () => {
		const { guildId, channelId, dueAt, jobId } = await dueDigest({ style: "bullets" });
		const sent = vi.spyOn(env.SUMMARY_QUEUE, "sendBatch");
		await Promise.all([tick(), tick()]);
		const enqueued = sent.mock.calls.flatMap(([messages]) => [...messages].map((message) => message.body as QueueJob));
		expect(enqueued.filter((job) => "id" in job && job.id === jobId)).toEqual([
			{
				kind: "digest",
				version: 1,
				id: jobId,
				guildId,
				channelId,
				cadence: "daily",
				style: "bullets",
				locale: "en-US",
				scheduledAt: dueAt,
				seconds: 86_400,
			},
		]);

		const [posted] = await vi.waitUntil(
			async () => {
				const found = await botMessages(channelId);
				return found.length ? found : false;
			},
			{ timeout: 10_000 },
		);
		expect(posted.content).toBe("**Daily digest**");
		expect(posted.nonce).toHaveLength(25);
		expect(posted.embeds[0].title).toBe("Summary — last day");
		expect(posted.embeds[0].description).toContain("ship the release candidate on Friday");
		expect(posted.embeds[0].description).toContain(`https://discord.com/channels/${guildId}/${channelId}/`);
		expect(await usageOf(jobId)).toMatchObject({ command: "digest", outcome: "delivered", userId: env.DISCORD_APPLICATION_ID });
		expect(await db.select().from(summaries).where(eq(summaries.id, jobId))).toMatchObject([{ public: true, style: "bullets", channelId }]);
		const row = await digestRow(guildId, channelId);
		expect(row.lastRunAt?.getTime()).toBe(dueAt);
		expect(row.nextRunAt!.getTime()).toBeGreaterThan(Date.now());

		// Another tick finds nothing due; a repeated delivery of the same job posts nothing.
		sent.mockClear();
		await tick();
		expect(sent.mock.calls.flatMap(([messages]) => [...messages]).filter((message) => (message.body as DigestJob).id === jobId)).toEqual(
			[],
		);
		const job = enqueued.find((body) => "id" in body && body.id === jobId)!;
		const batch = createMessageBatch<QueueJob>("summary-jobs", [{ id: "again", timestamp: new Date(), attempts: 2, body: job }]);
		await worker.queue(batch, env);
		expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(["again"]);
		expect(await botMessages(channelId)).toHaveLength(1);

		const { text } = await configAnswer(config("view", {}, { guildId }));
		expect(text).toContain(`<#${channelId}> · daily at 09:00 UTC · Bullet points · next <t:`);
		expect(text).toContain(" · last <t:");
	});

	it("turns itself off when Discord refuses the post, and /config view says why; setting it again turns it on", async () => {
		const { guildId, channelId, jobId } = await dueDigest();
		await fetch("http://discord.test/__emulator/faults", {
			method: "POST",
			body: JSON.stringify({ path: `/channels/${channelId}/messages`, method: "POST", status: 403, times: 1 }),
		});
		await tick();
		expect(await usageOf(jobId)).toMatchObject({ command: "digest", outcome: "refused" });
		expect(await digestRow(guildId, channelId)).toMatchObject({
			enabled: false,
			nextRunAt: null,
			disabledReason: expect.stringContaining("I couldn't post in"),
		});
		expect(await botMessages(channelId)).toEqual([]);

		const { text } = await configAnswer(config("view", {}, { guildId }));
		expect(text).toContain(
			`<#${channelId}> · daily at 09:00 UTC · Brief · **off**: I couldn't post in <#${channelId}>: I need **Send Messages** and **Embed Links** there (<t:`,
		);

		await configAnswer(config("digest", { cadence: "daily", hour_utc: 7 }, { guildId, channelId }));
		expect(await digestRow(guildId, channelId)).toMatchObject({ enabled: true, disabledReason: null, hourUtc: 7, lastRunAt: null });
	});

	it("is not posted when it waited too long, and stops with cadence:off", async () => {
		const { guildId, channelId } = await dueDigest();
		const late: DigestJob = {
			kind: "digest",
			version: 1,
			id: `digest:${guildId}:${channelId}:1`,
			guildId,
			channelId,
			cadence: "daily",
			style: "brief",
			locale: "en-US",
			scheduledAt: Date.now() - 4 * 3_600_000,
			seconds: 86_400,
		};
		const batch = createMessageBatch<QueueJob>("summary-jobs", [{ id: "late", timestamp: new Date(), attempts: 1, body: late }]);
		await worker.queue(batch, env);
		expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(["late"]);
		expect(await usageOf(late.id)).toMatchObject({ outcome: "expired" });
		expect(await botMessages(channelId)).toEqual([]);

		expect((await configAnswer(config("digest", { cadence: "off" }, { guildId, channelId }))).text).toContain(
			`Stopped the digest of <#${channelId}>.`,
		);
		expect(await digestRow(guildId, channelId)).toBeUndefined();
		expect((await configAnswer(config("digest", { cadence: "off" }, { guildId, channelId }))).content).toBe(
			`<#${channelId}> had no digest.`,
		);
	});

	it("keeps a server to five digests, in the server's default style unless one is given", async () => {
		const guildId = id();
		await configAnswer(config("set", { style: "action_items" }, { guildId }));
		for (let i = 0; i < 5; i++) await configAnswer(config("digest", { cadence: "weekly", weekday: 3 }, { guildId }));
		const { content, text } = await configAnswer(config("digest", { cadence: "daily" }, { guildId }));
		expect(content).toBe("This server has 5 digests, the most it can have. Stop one with `/config digest cadence:off channel:` first.");
		expect(text.match(/weekly on Wednesdays at 09:00 UTC · Action items/g)).toHaveLength(5);
	});
});
