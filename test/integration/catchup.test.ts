// /catchup through the Worker, the guild's Durable Object, the queue and D1: a member's catch-up starts
// after their last message (or when they joined, or 14 days back), says so, answers "nothing new" without
// a summary, and shares one job with every request that resolves to the same range.
import { env } from "cloudflare:workers";
import {
	type APIInteractionResponse,
	type APIMessage,
	type APIUser,
	ApplicationCommandOptionType,
	MessageFlags,
	MessageType,
} from "discord-api-types/v10";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { summaries, usageEvents } from "../../src/db/schema";
import type { SummaryJob } from "../../src/domain/job";
import { snowflakeAt } from "../../src/domain/snowflake";
import { type Context, chatCommand, id, sendOk, summarize } from "../helpers/interactions";
import { consumeWith } from "../helpers/jobs";
import { messageAt, user } from "../helpers/messages";
import { firstResult, injectFault, resultsFor, seedChannel } from "../helpers/stand-in";

const db = drizzle(env.DB);
const [alice, bob, carol, dave] = ["alice", "bob", "carol", "dave"].map((name) => user(name));
const NOW = Date.now();
const MINUTE = 60_000;

// The queue consumer is a module of its own, loaded on the first batch (src/index.ts): loaded here first,
// so that no test's wait for its result includes compiling it.
beforeAll(() => import("../../src/jobs/queue"), 60_000);
afterEach(() => {
	vi.restoreAllMocks();
});

/** A message `minutesAgo` before the test file started. */
function said(author: APIUser, content: string, minutesAgo: number, type = MessageType.Default): APIMessage {
	return messageAt(author, content, NOW - minutesAgo * MINUTE, { channel_id: "0", type });
}

/** A channel: a discussion, then alice's message, then what she missed. */
const history = () => [
	said(bob, "Yesterday we agreed to move the offsite to the lake house because the hotel cancelled", 600),
	said(alice, "Great, I will book the train tickets for everyone going to the lake house", 300),
	said(carol, "The staging database migration failed again because the usage index timed out overnight", 120),
	said(bob, "I can rerun the staging migration tonight with the index built concurrently", 110),
	said(carol, "Thanks, please post the timings in the release channel when it finishes", 100),
	said(dave, "The release candidate ships on Friday if the migration passes staging", 90),
];

/** A signed /catchup by `member`, who joined at `joinedAt`, in a channel whose newest message is `lastMessageId`. */
function catchup(member: APIUser, context: Context, options: { style?: string; joinedAt?: number } = {}) {
	const interaction = chatCommand(
		"catchup",
		options.style ? [{ name: "style", type: ApplicationCommandOptionType.String, value: options.style }] : [],
		{ ...context, userId: member.id },
	);
	return {
		...interaction,
		member: { ...interaction.member, user: member, joined_at: new Date(options.joinedAt ?? Date.UTC(2024, 0, 1)).toISOString() },
	};
}

interface Shown {
	content?: string;
	embeds: { title: string; description: string; footer?: { text: string } }[];
	components?: { components: { label: string; custom_id: string }[] }[];
}

const shown = async (token: string) => (await firstResult(token)).body as Shown;
/** The labelled buttons: the others are the votes. */
const buttons = (message: Shown) => message.components?.flatMap((row) => row.components.flatMap((button) => button.label ?? [])) ?? [];
const rowNow = async (interactionId: string) => (await db.select().from(summaries).where(eq(summaries.id, interactionId)))[0];
/** The summary's history row, written just after its delivery. */
const rowOf = (interactionId: string) => vi.waitUntil(() => rowNow(interactionId), { timeout: 10_000 });
const outcomeOf = (interactionId: string) =>
	vi.waitUntil(async () => (await db.select().from(usageEvents).where(eq(usageEvents.id, interactionId)))[0] ?? false, {
		timeout: 10_000,
	});

describe("/catchup", () => {
	it("summarizes this channel after the member's last message, only for them, linking it; a repeat is answered from the cache", async () => {
		const guildId = id();
		const channelId = id();
		const messages = history();
		await seedChannel(channelId, messages);
		const context = { guildId, channelId, lastMessageId: messages.at(-1)!.id };
		const asked = catchup(alice, context, { style: "bullets" });
		expect(await sendOk(asked)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });

		const result = await shown(asked.token);
		const [embed] = result.embeds;
		expect(embed.title).toBe("Summary — since your last message");
		expect(embed.description).toContain(
			`<#${channelId}> · 4 messages after [your last message](https://discord.com/channels/${guildId}/${channelId}/${messages[1].id})`,
		);
		expect(embed.description).toContain("staging database migration");
		expect(embed.description).not.toContain("lake house");
		// It speaks to its member: it is not one to post for everyone.
		expect(buttons(result)).toEqual(["Shorter", "More detail"]);
		expect(result.components![0].components[1].custom_id).toBe(`summary:detail:${channelId}:a${messages[1].id}:bullets`);

		expect(await rowOf(asked.id)).toMatchObject({ rangeKind: "after", rangeFromMessageId: messages[1].id, messageCount: 4, public: false });
		expect(await outcomeOf(asked.id)).toMatchObject({ command: "catchup", outcome: "delivered" });

		const again = catchup(alice, context, { style: "bullets" });
		const hit = await sendOk(again);
		expect(hit).toMatchObject({
			type: 4,
			data: { flags: MessageFlags.Ephemeral, embeds: [{ title: "Summary — since your last message" }] },
		});
		expect(JSON.stringify(hit)).toContain(`summary:detail:${channelId}:a${messages[1].id}:bullets`);
		expect(await outcomeOf(again.id)).toMatchObject({ outcome: "cached" });
	});

	it("with nothing new since the member's last message, says so with the link, and makes no summary", async () => {
		const guildId = id();
		const channelId = id();
		const messages = [...history(), said(alice, "Booked the train tickets, see you all at the lake house", 5, MessageType.Reply)];
		await seedChannel(channelId, messages);
		const asked = catchup(alice, { guildId, channelId, lastMessageId: messages.at(-1)!.id });
		expect(await sendOk(asked)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
		const result = await shown(asked.token);
		expect(result.content).toBe(
			`Nothing new here since [your last message](https://discord.com/channels/${guildId}/${channelId}/${messages.at(-1)!.id}): you're all caught up.`,
		);
		expect(result.embeds).toEqual([]);
		expect(await outcomeOf(asked.id)).toMatchObject({ command: "catchup", outcome: "refused", tokensIn: 0 });
		expect(await rowNow(asked.id)).toBeUndefined();
	});

	it("with no message of theirs in reach: since they joined when that is within it, else the last 14 days", async () => {
		const guildId = id();
		const channelId = id();
		const messages = [said(carol, "An old note from three weeks ago about the budget", 21 * 24 * 60), ...history()];
		await seedChannel(channelId, messages);
		const context = { guildId, channelId, lastMessageId: messages.at(-1)!.id };
		const newcomer = catchup(user("erin"), context, { joinedAt: NOW - 115 * MINUTE });
		const regular = catchup(user("frank"), context);
		await sendOk(newcomer);
		await sendOk(regular);

		const sinceJoined = (await shown(newcomer.token)).embeds[0];
		expect(sinceJoined.title).toBe("Summary — since you joined");
		expect(sinceJoined.description).toMatch(new RegExp(`^<#${channelId}> · 3 messages\\s`));
		expect(await rowOf(newcomer.id)).toMatchObject({ rangeKind: "joined", rangeFromMessageId: snowflakeAt(NOW - 115 * MINUTE).toString() });

		const lastTwoWeeks = (await shown(regular.token)).embeds[0];
		expect(lastTwoWeeks.title).toBe("Summary — last 2 weeks");
		expect(lastTwoWeeks.description).toMatch(new RegExp(`^<#${channelId}> · 6 messages\\s`));
		expect(await rowOf(regular.id)).toMatchObject({ rangeKind: "since", rangeSeconds: 14 * 86_400, rangeMessages: 10_000 });
	});

	it("refuses a member or a bot who can't read the channel, enqueueing nothing", async () => {
		const enqueue = vi.spyOn(env.SUMMARY_QUEUE, "send");
		const refusal = (response: APIInteractionResponse) => (response.type === 4 ? response.data?.content : undefined);
		expect(refusal(await sendOk(catchup(alice, { permissions: "1024" })))).toMatch(/you need \*\*Read Message History\*\*/);
		expect(refusal(await sendOk(catchup(alice, { appPermissions: "1024" })))).toMatch(/I need \*\*Read Message History\*\*/);
		expect(refusal(await sendOk(catchup(alice, {}, { style: "haiku" })))).toMatch(/`style` must be one of/);
		expect(enqueue).not.toHaveBeenCalled();
	});
});

describe("/catchup single-flight", () => {
	it("catch-ups that resolve to one range share its job, and so does /summarize of that range", async () => {
		// The jobs are consumed here, one delivery at a time, rather than by the queue.
		const enqueue = vi.spyOn(env.SUMMARY_QUEUE, "send").mockResolvedValue(undefined as never);
		const guildId = id();
		const channelId = id();
		const messages = history();
		await seedChannel(channelId, messages);
		const context = { guildId, channelId, lastMessageId: messages.at(-1)!.id };
		// Neither has written here in 14 days: both catch up on the last 14 days.
		const first = catchup(user("grace"), context);
		const second = catchup(user("heidi"), context);
		await sendOk(first);
		await sendOk(second);
		const [firstJob, secondJob] = enqueue.mock.calls.map(([body]) => body as SummaryJob);
		expect(firstJob.key).not.toBe(secondJob.key);

		// The first finds its range and makes the summary, but Discord fails its delivery: it is still in flight.
		// Five tries, as the REST client makes: the fault is spent once this delivery gives up.
		await injectFault(`/webhooks/${firstJob.applicationId}/${firstJob.token}`, 502, 5);
		expect((await consumeWith(env, 1, firstJob)).retryMessages).toHaveLength(1);
		// The second finds the same range and joins it: nothing of its own is summarized or delivered.
		expect((await consumeWith(env, 1, secondJob)).explicitAcks).toEqual(["m0"]);
		expect(await resultsFor(secondJob.token)).toEqual([]);
		expect(await outcomeOf(secondJob.interactionId)).toMatchObject({ command: "catchup", outcome: "joined" });
		// /summarize of that range, asked now, joins it on the interaction path.
		const summarizeAsked = summarize({ since: "14d" }, context);
		expect(await sendOk(summarizeAsked)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
		expect(enqueue).toHaveBeenCalledTimes(2);

		expect((await consumeWith(env, 2, firstJob)).explicitAcks).toEqual(["m0"]);
		const delivered = await Promise.all([first.token, second.token, summarizeAsked.token].map(shown));
		for (const result of delivered) expect(result.embeds[0].title).toBe("Summary — last 2 weeks");
		expect(new Set(delivered.map((result) => result.embeds[0].description)).size).toBe(1);
		expect(await rowOf(firstJob.interactionId)).toMatchObject({ rangeKind: "since", messageCount: 6 });
		expect(await rowNow(secondJob.interactionId)).toBeUndefined();
	});
});
