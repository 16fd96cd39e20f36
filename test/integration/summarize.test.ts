// /summarize through the Worker, the guild's Durable Object and the queue: admission, rate limits,
// cache, single-flight and the enqueue-failure path.

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type APIInteractionResponse, ChannelType, Locale, MessageFlags, PermissionFlagsBits } from "discord-api-types/v10";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { buttonId } from "../../src/discord/buttons";
import type { SummaryJob } from "../../src/domain/job";
import type { GuildObject, SummaryMessage } from "../../src/guild/guild-object";
import { CACHE_LIMITS } from "../../src/guild/summary-cache";
import { cacheSummary, finishJob, guild } from "../helpers/guild";
import { buttonClick, id, READ, resolvedChannel, sendOk, summarize, summarizeFromHere } from "../helpers/interactions";
import { resultsFor } from "../helpers/stand-in";

const realSend = env.SUMMARY_QUEUE.send.bind(env.SUMMARY_QUEUE);
let enqueue: MockInstance<Queue["send"]>;
beforeEach(() => {
	enqueue = vi.spyOn(env.SUMMARY_QUEUE, "send");
});
afterEach(() => {
	vi.restoreAllMocks();
});

/** Runs a query in the guild's Durable Object storage. */
const rows = (guildId: string, query: string, ...params: SqlStorageValue[]) =>
	runInDurableObject(guild(guildId), (_: GuildObject, state) => state.storage.sql.exec(query, ...params).toArray());
const jobs = () => enqueue.mock.calls.map(([body]) => body as SummaryJob);
const SUMMARY: SummaryMessage = { embeds: [{ title: "#general: last 100 messages", description: "They agreed to ship on Friday." }] };

function deferred<T = void>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	return { promise, resolve, reject };
}

function isDenied(response: APIInteractionResponse) {
	return response.type === 4 && /<t:\d+:R>/.test(response.data?.content ?? "") && response.data?.flags === MessageFlags.Ephemeral;
}

describe("admission", () => {
	it("answers 'thinking…' (ephemeral unless public) and enqueues one job without message content", async () => {
		const guildId = id();
		const channelId = id();
		const lastMessageId = id();
		const interaction = summarize({ since: "6h", style: "bullets" }, { guildId, channelId, lastMessageId });
		expect(await sendOk(interaction)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
		expect(jobs()).toEqual([
			{
				kind: "summary",
				version: 1,
				key: `${channelId}:s21600n10000:bullets:en@${lastMessageId}`,
				cacheTtlSeconds: 600,
				interactionId: interaction.id,
				applicationId: env.DISCORD_APPLICATION_ID,
				token: interaction.token,
				guildId,
				channelId,
				origin: channelId,
				lastMessageId,
				userId: interaction.member.user.id,
				range: { kind: "since", seconds: 21_600, maxMessages: 10_000 },
				style: "bullets",
				locale: "en-US",
				public: false,
				requestedAt: expect.any(Number),
				admittedAt: expect.any(Number),
			},
		]);
		// Its usage record will carry the latency to admission: never negative.
		expect(jobs()[0].admittedAt!).toBeGreaterThanOrEqual(jobs()[0].requestedAt);

		expect(await sendOk(summarize({ public: true }, { guildId }))).toEqual({ type: 5, data: {} });
		expect(await sendOk(summarizeFromHere(id(), { guildId }))).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
		expect(jobs().map((job) => job.range.kind)).toEqual(["since", "count", "from"]);
	});
});

describe("rate limits", () => {
	it("50 concurrent requests from one guild admit exactly the burst; another guild is unaffected", async () => {
		const guildId = id();
		const otherGuildId = id();
		const burst = (guild: string, count: number) => Array.from({ length: count }, () => sendOk(summarize({}, { guildId: guild })));
		const [responses, others] = await Promise.all([Promise.all(burst(guildId, 50)), Promise.all(burst(otherGuildId, 10))]);
		expect(responses.filter((r) => r.type === 5)).toHaveLength(10);
		const denied = responses.filter(isDenied);
		expect(denied).toHaveLength(40);
		expect(JSON.stringify(denied[0])).toContain("This server has asked for many summaries");
		expect(others.every((r) => r.type === 5)).toBe(true);
		expect(jobs().filter((job) => job.guildId === guildId)).toHaveLength(10);
		expect(jobs().filter((job) => job.guildId === otherGuildId)).toHaveLength(10);
	});

	it("one member gets 6 per 10 minutes, and is told when to retry", async () => {
		const guildId = id();
		const userId = id();
		const before = Math.floor(Date.now() / 1000);
		const responses = [];
		for (let i = 0; i < 7; i++) responses.push(await sendOk(summarize({}, { guildId, userId })));
		expect(responses.map((r) => r.type)).toEqual([5, 5, 5, 5, 5, 5, 4]);
		const content = (responses[6] as { data: { content: string } }).data.content;
		expect(content).toContain("You've asked for several summaries");
		const retryAt = Number(content.match(/<t:(\d+):R>/)![1]);
		expect(retryAt).toBeGreaterThanOrEqual(before + 99);
		expect(retryAt).toBeLessThanOrEqual(before + 102);
		expect((await sendOk(summarize({}, { guildId }))).type).toBe(5);
	});
});

describe("cache", () => {
	it("a hit answers at once with the summary (type 4) and enqueues nothing; a new message misses", async () => {
		const guildId = id();
		const channelId = id();
		const lastMessageId = id();
		await sendOk(summarize({}, { guildId, channelId, lastMessageId }));
		await finishJob(jobs()[0], SUMMARY);
		enqueue.mockClear();

		const hit = await sendOk(summarize({}, { guildId, channelId, lastMessageId }));
		expect(hit).toMatchObject({ type: 4, data: { ...SUMMARY, allowed_mentions: { parse: [] }, flags: MessageFlags.Ephemeral } });
		expect(JSON.stringify(hit)).toContain("Post publicly");
		const publicHit = await sendOk(summarize({ public: true }, { guildId, channelId, lastMessageId }));
		expect(publicHit).toMatchObject({ type: 4, data: { ...SUMMARY, allowed_mentions: { parse: [] } } });
		expect(publicHit.type === 4 && publicHit.data?.flags).toBeFalsy();
		expect(JSON.stringify(publicHit)).not.toContain("Post publicly");
		// A summary is written in a language, not a locale: British English is served the American one.
		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId, locale: Locale.EnglishGB }))).type).toBe(4);
		expect(enqueue).not.toHaveBeenCalled();

		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId: id() }))).type).toBe(5);
		expect((await sendOk(summarize({ style: "detailed" }, { guildId, channelId, lastMessageId }))).type).toBe(5);
		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId, locale: Locale.German }))).type).toBe(5);
		expect(enqueue).toHaveBeenCalledTimes(3);
	});

	it("an exact hit is then served from the Worker isolate without the Durable Object; other keys are not", async () => {
		const guildId = id();
		const channelId = id();
		const lastMessageId = id();
		await sendOk(summarize({}, { guildId, channelId, lastMessageId }));
		await sendOk(summarize({}, { guildId, channelId, lastMessageId: null }));
		for (const job of jobs()) await finishJob(job, SUMMARY);
		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId }))).type).toBe(4);
		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId: null }))).type).toBe(4);

		await rows(guildId, "DELETE FROM summaries");
		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId }))).type).toBe(4);
		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId: null }))).type).toBe(5);
	});

	it("hits do not spend rate-limit tokens", async () => {
		const guildId = id();
		const userId = id();
		const channelId = id();
		const lastMessageId = id();
		await sendOk(summarize({}, { guildId, userId, channelId, lastMessageId }));
		await finishJob(jobs()[0], SUMMARY);
		for (let i = 0; i < 10; i++) expect((await sendOk(summarize({}, { guildId, userId, channelId, lastMessageId }))).type).toBe(4);
		expect((await sendOk(summarize({}, { guildId, userId }))).type).toBe(5);
	});

	it("expires by alarm, and stays within its entry and byte bounds", async () => {
		const guildId = id();
		const stub = guild(guildId);
		await cacheSummary(stub, "expiring", SUMMARY, 0);
		expect(await runInDurableObject(stub, (_: GuildObject, state) => state.storage.getAlarm())).not.toBeNull();
		expect(await runDurableObjectAlarm(stub)).toBe(true);

		for (let i = 0; i < CACHE_LIMITS.entries + 20; i++) await cacheSummary(stub, `k${i}`, SUMMARY);
		const big: SummaryMessage = { content: "x".repeat(600_000) };
		for (let i = 0; i < 10; i++) await cacheSummary(stub, `big${i}`, big);
		const stats = await runInDurableObject(stub, (_: GuildObject, state) =>
			state.storage.sql
				.exec<{ n: number; bytes: number; expiring: number; newest: number }>(
					`SELECT COUNT(*) AS n, SUM(bytes) AS bytes, SUM(key = 'expiring') AS expiring, SUM(key = 'big9') AS newest FROM summaries`,
				)
				.one(),
		);
		expect(stats.n).toBeLessThanOrEqual(CACHE_LIMITS.entries);
		expect(stats.bytes).toBeLessThanOrEqual(CACHE_LIMITS.bytes);
		expect(stats.expiring).toBe(0);
		expect(stats.newest).toBe(1);
	});
});

describe("single-flight", () => {
	it("an identical request in flight is joined: one job, and the job delivers to both", async () => {
		const guildId = id();
		const channelId = id();
		const lastMessageId = id();
		const gate = deferred();
		enqueue.mockImplementationOnce(async (body, options) => {
			await gate.promise;
			return realSend(body, options);
		});

		const first = summarize({}, { guildId, channelId, lastMessageId });
		const second = summarize({ public: true }, { guildId, channelId, lastMessageId });
		const answers = [sendOk(first), vi.waitUntil(() => enqueue.mock.calls.length > 0, { timeout: 10_000 }).then(() => sendOk(second))];
		await vi.waitUntil(async () => (await rows(guildId, "SELECT 1 FROM joiners")).length);
		gate.resolve();
		expect(await Promise.all(answers)).toEqual([
			{ type: 5, data: { flags: MessageFlags.Ephemeral } },
			{ type: 5, data: {} },
		]);
		expect(enqueue).toHaveBeenCalledTimes(1);

		for (const token of [first.token, second.token]) {
			await vi.waitUntil(async () => (await resultsFor(token)).length === 1, { timeout: 10_000 });
		}
	});
});

describe("enqueue failure", () => {
	it("answers an ephemeral error and gives the rate-limit tokens back", async () => {
		const guildId = id();
		const userId = id();
		const tats = () => rows(guildId, "SELECT name, tat FROM buckets ORDER BY name");
		await sendOk(summarize({}, { guildId, userId }));
		const before = await tats();

		enqueue.mockRejectedValueOnce(new Error("queue unavailable"));
		const response = await sendOk(summarize({}, { guildId, userId }));
		expect(response).toMatchObject({
			type: 4,
			data: { flags: MessageFlags.Ephemeral, content: expect.stringContaining("did not count against your limits") },
		});
		expect(await tats()).toEqual(before);
		const failed = jobs()[1];
		expect(await rows(guildId, "SELECT key FROM jobs WHERE key = ?", failed.key)).toEqual([]);
	});

	it("a request that joined the failed enqueue is told too, and nothing stays in flight", async () => {
		const guildId = id();
		const channelId = id();
		const gate = deferred();
		enqueue.mockImplementationOnce(async () => {
			await gate.promise;
			throw new Error("queue unavailable");
		});
		const first = sendOk(summarize({}, { guildId, channelId, lastMessageId: "7" }));
		await vi.waitUntil(() => enqueue.mock.calls.length > 0, { timeout: 10_000 });
		const second = sendOk(summarize({}, { guildId, channelId, lastMessageId: "7" }));
		await vi.waitUntil(async () => (await rows(guildId, "SELECT 1 FROM joiners")).length);
		gate.resolve();
		for (const response of await Promise.all([first, second])) {
			expect(response).toMatchObject({ type: 4, data: { content: expect.stringContaining("couldn't start") } });
		}
		expect(await rows(guildId, "SELECT key FROM jobs UNION ALL SELECT key FROM joiners")).toEqual([]);
		expect((await sendOk(summarize({}, { guildId, channelId, lastMessageId: "7" }))).type).toBe(5);
	});
});

describe("eviction", () => {
	it("keeps rate-limit counters and the cache", async () => {
		const guildId = id();
		const userId = id();
		const channelId = id();
		const lastMessageId = id();
		for (let i = 0; i < 6; i++) await sendOk(summarize({ messages: 10 + i }, { guildId, userId, channelId, lastMessageId }));
		await finishJob(jobs()[0], SUMMARY);

		await evictDurableObject(guild(guildId));

		expect(isDenied(await sendOk(summarize({}, { guildId, userId })))).toBe(true);
		expect((await sendOk(summarize({ messages: 10 }, { guildId, userId, channelId, lastMessageId }))).type).toBe(4);
	});
});

describe("buttons under a summary", () => {
	it("'More detail' is a new request through the same path", async () => {
		const guildId = id();
		const channelId = id();
		const click = buttonClick(buttonId("detail", { channelId, range: { kind: "count", messages: 100 }, style: "brief" }), {
			guildId,
			channelId,
		});
		expect(await sendOk(click)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
		expect(jobs()).toMatchObject([
			{ channelId, style: "detailed", range: { kind: "count", messages: 100 }, public: false, token: click.token },
		]);
	});

	it("'Post publicly' answers publicly, from the cache when the summary is there", async () => {
		const guildId = id();
		const channelId = id();
		const lastMessageId = id();
		await sendOk(summarize({}, { guildId, channelId, lastMessageId }));
		await finishJob(jobs()[0], SUMMARY);
		const click = buttonClick(buttonId("public", { channelId, range: { kind: "count", messages: 100 }, style: "brief" }), {
			guildId,
			channelId,
			lastMessageId,
		});
		expect(await sendOk(click)).toMatchObject({ type: 4, data: { ...SUMMARY, allowed_mentions: { parse: [] } } });
	});

	it("'Refresh' is never answered from the cache nor joins the job in flight, and its summary replaces the cached one", async () => {
		const guildId = id();
		const channelId = id();
		const lastMessageId = id();
		const refresh = () =>
			buttonClick(buttonId("refresh", { channelId, range: { kind: "count", messages: 100 }, style: "brief" }), {
				guildId,
				channelId,
				lastMessageId,
			});
		await sendOk(summarize({}, { guildId, channelId, lastMessageId }));
		expect(await sendOk(refresh())).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
		const [first, fresh] = jobs();
		expect(fresh).toMatchObject({ key: first.key, fresh: true });

		const newer: SummaryMessage = { embeds: [{ title: "#general: last 100 messages", description: "They agreed to ship on Monday." }] };
		await finishJob(first, SUMMARY);
		await finishJob(fresh, newer);
		expect(await sendOk(summarize({}, { guildId, channelId, lastMessageId }))).toMatchObject({ type: 4, data: { embeds: newer.embeds } });
		// A hit through a button of the same request leaves it in this isolate's cache too, under the key a Refresh asks by.
		await sendOk(
			buttonClick(buttonId("public", { channelId, range: { kind: "count", messages: 100 }, style: "brief" }), {
				guildId,
				channelId,
				lastMessageId,
			}),
		);
		expect((await sendOk(refresh())).type).toBe(5);
		expect(jobs()).toHaveLength(3);
	});

	it("checks permissions like a command, and keeps another channel's buttons to the member who asked", async () => {
		const channelId = id();
		const detail = (channel: string) => buttonId("detail", { channelId: channel, range: { kind: "count", messages: 100 }, style: "brief" });
		expect(await sendOk(buttonClick(detail(channelId), { channelId, permissions: "0" }))).toMatchObject({
			type: 4,
			data: { content: expect.stringContaining("you need") },
		});
		const other = id();
		expect(await sendOk(buttonClick(detail(other), { channelId }, { requesterId: id() }))).toMatchObject({
			type: 4,
			data: { content: expect.stringContaining("Only the member who asked") },
		});
		expect((await sendOk(buttonClick(detail(other), { channelId }))).type).toBe(5);
		// Evidence of access to another channel lasts as long as the request that showed it: 15 minutes.
		expect(await sendOk(buttonClick(detail(other), { channelId }, { askedAt: Date.now() - 16 * 60_000 }))).toMatchObject({
			type: 4,
			data: { flags: MessageFlags.Ephemeral, content: expect.stringContaining("work for 15 minutes") },
		});
		// Another channel's content is never posted here.
		const post = buttonId("public", { channelId: other, range: { kind: "count", messages: 100 }, style: "brief" });
		expect(await sendOk(buttonClick(post, { channelId }))).toMatchObject({
			type: 4,
			data: { flags: MessageFlags.Ephemeral, content: expect.stringContaining("never posted here") },
		});
		expect(jobs()).toHaveLength(1);
	});

	it("acts only on its own message's buttons: not a look-alike another author posted, nor an id the message doesn't hold", async () => {
		const channelId = id();
		const detail = buttonId("detail", { channelId, range: { kind: "count", messages: 100 }, style: "brief" });
		for (const click of [
			buttonClick(detail, { channelId }, { authorId: id() }),
			buttonClick(
				detail,
				{ channelId },
				{ customIds: [buttonId("shorter", { channelId, range: { kind: "count", messages: 100 }, style: "brief" })] },
			),
		]) {
			expect(await sendOk(click)).toMatchObject({
				type: 4,
				data: { flags: MessageFlags.Ephemeral, content: expect.stringContaining("isn't on one of my summaries") },
			});
		}
		expect(jobs()).toEqual([]);
	});

	it("asks the consumer to check membership of a private thread summarized from outside it, unless the member manages threads", async () => {
		const channelId = id();
		const thread = id();
		const privateThread = (permissions: string) => ({
			[thread]: { ...resolvedChannel(thread, permissions), type: ChannelType.PrivateThread },
		});
		await sendOk(summarize({ channel: thread }, { channelId }, privateThread(READ)));
		const manager = String(BigInt(READ) | PermissionFlagsBits.ManageThreads);
		await sendOk(summarize({ channel: thread, messages: 50 }, { channelId }, privateThread(manager)));
		expect(jobs().map((job) => job.threadMembersOnly)).toEqual([true, undefined]);
	});

	it("shows another channel's summary only to the member who asked, and says why when public was asked", async () => {
		const channelId = id();
		const other = id();
		const asked = summarize({ channel: other, public: true }, { channelId }, { [other]: resolvedChannel(other, READ) });
		expect(await sendOk(asked)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
		expect(jobs()).toEqual([expect.objectContaining({ channelId: other, origin: channelId, public: false, publicRefused: true })]);
	});
});
