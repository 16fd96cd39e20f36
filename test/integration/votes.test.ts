// 👍 / 👎 under a summary, end to end: a real /summarize made by the queue consumer, then signed clicks on
// its buttons. One vote per member and summary (a second click changes it), answered ephemerally once D1
// holds it, with the summary's style and model; a click on a message the bot did not write is refused.
import { env } from "cloudflare:workers";
import type { APIActionRowComponent, APIButtonComponentWithCustomId } from "discord-api-types/v10";
import { MessageFlags } from "discord-api-types/v10";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { summaryVotes } from "../../src/db/schema";
import { parseVoteId } from "../../src/discord/buttons";
import { timeOf } from "../../src/domain/snowflake";
import { buttonClick, id, sendOk, summarize } from "../helpers/interactions";
import { message, user } from "../helpers/messages";
import { firstResult, resultsFor, seedChannel } from "../helpers/stand-in";

const db = drizzle(env.DB);
const votesOn = (messageId: string) => db.select().from(summaryVotes).where(eq(summaryVotes.messageId, messageId));

type Rows = APIActionRowComponent<APIButtonComponentWithCustomId>[];
const customIds = (rows: Rows | undefined) => (rows ?? []).flatMap((row) => row.components.map((button) => button.custom_id));
const voteIds = (rows: Rows | undefined) => {
	const ids = customIds(rows).filter((customId) => parseVoteId(customId));
	return { up: ids.find((customId) => customId.startsWith("vote:up:"))!, down: ids.find((customId) => customId.startsWith("vote:down:"))! };
};

const guildId = id();
const channelId = id();
/** The delivered summary's buttons; its message id is Discord's, here made up once for the test. */
let delivered: Rows;
const summaryMessageId = id();
let lastMessageId: string;

beforeAll(async () => {
	const [alice, bob] = [user("alice"), user("bob")];
	const messages = [
		message(alice, "We decided to ship the release candidate on Friday after the migration passes staging", 0),
		message(bob, "I will rerun the staging migration tonight and post the timings in the release channel", 1),
		message(alice, "Then the budget review moves to next week so the team can focus on the release", 2),
	];
	await seedChannel(channelId, messages);
	lastMessageId = messages.at(-1)!.id;
	const asked = summarize({ style: "bullets" }, { guildId, channelId, lastMessageId });
	expect((await sendOk(asked)).type).toBe(5);
	// The queue consumer makes it: on a loaded machine that may take longer than a deferred answer.
	const [result] = await vi.waitUntil(async () => ((await resultsFor(asked.token)).length ? resultsFor(asked.token) : false), {
		timeout: 25_000,
		interval: 50,
	});
	delivered = (result.body as { components: Rows }).components;
}, 30_000);

afterEach(() => {
	vi.restoreAllMocks();
});

/** Clicks `customId` on the delivered summary's message, as `userId`; waits for the deferred answer. */
async function vote(customId: string, userId: string, messageId = summaryMessageId, rows = delivered) {
	const click = buttonClick(customId, { guildId, channelId, userId }, { messageId, customIds: customIds(rows) });
	expect(await sendOk(click)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
	return (await firstResult(click.token)).body as { content: string };
}

describe("votes", () => {
	it("come as 👍 and 👎 in a row of their own under the summary, naming its style and summarizer", () => {
		expect(delivered.at(-1)!.components.map((button) => ("emoji" in button ? button.emoji?.name : undefined))).toEqual(["👍", "👎"]);
		expect(parseVoteId(voteIds(delivered).up)).toEqual({ vote: "up", style: "bullets", model: "extractive" });
	});

	it("stores one vote, answered ephemerally once stored, with no content and the data point counting it", async () => {
		const writes = vi.spyOn(env.ANALYTICS, "writeDataPoint");
		const member = id();
		expect(await vote(voteIds(delivered).up, member)).toMatchObject({ content: "Thanks — noted." });
		expect(await votesOn(summaryMessageId)).toEqual([
			{
				messageId: summaryMessageId,
				userId: member,
				guildId,
				vote: "up",
				style: "bullets",
				model: "extractive",
				summaryAt: new Date(timeOf(summaryMessageId)),
				votedAt: expect.any(Date),
			},
		]);
		expect(writes).toHaveBeenCalledWith(
			expect.objectContaining({ indexes: [guildId], blobs: ["vote", "voted", "bullets", "extractive", "up"] }),
		);
	});

	it("keeps one vote per member and summary: a second click changes it, another member's is their own", async () => {
		const [first, second] = [id(), id()];
		const messageId = id();
		await vote(voteIds(delivered).up, first, messageId);
		await vote(voteIds(delivered).down, first, messageId);
		await vote(voteIds(delivered).up, second, messageId);
		const rows = await votesOn(messageId);
		expect(rows.map((row) => [row.userId, row.vote]).sort()).toEqual(
			[
				[first, "down"],
				[second, "up"],
			].sort(),
		);
	});

	it("keeps one vote when a member's two clicks arrive at once, and three members voting together keep three", async () => {
		const messageId = id();
		const [member, others] = [id(), [id(), id()]];
		await Promise.all([vote(voteIds(delivered).up, member, messageId), vote(voteIds(delivered).down, member, messageId)]);
		await Promise.all(others.map((other) => vote(voteIds(delivered).up, other, messageId)));
		const rows = await votesOn(messageId);
		expect(rows.filter((row) => row.userId === member)).toHaveLength(1);
		expect(rows.map((row) => row.userId).sort()).toEqual([member, ...others].sort());
	});

	it("counts a vote on a cached answer by its own message", async () => {
		const hit = summarize({ style: "bullets" }, { guildId, channelId, lastMessageId });
		const answer = (await sendOk(hit)) as unknown as { type: number; data: { components: Rows } };
		expect(answer.type).toBe(4);
		const ids = voteIds(answer.data.components);
		expect(parseVoteId(ids.down)).toEqual({ vote: "down", style: "bullets", model: "extractive" });
		const messageId = id();
		await vote(ids.down, id(), messageId, answer.data.components);
		expect((await votesOn(messageId)).map((row) => row.vote)).toEqual(["down"]);
	});

	it("asks the member to click again when D1 keeps refusing the vote, never saying it was noted", async () => {
		const writes = vi.spyOn(env.ANALYTICS, "writeDataPoint");
		vi.spyOn(console, "error").mockImplementation(() => undefined);
		await env.DB.exec("ALTER TABLE summary_votes RENAME TO summary_votes_away");
		try {
			expect((await vote(voteIds(delivered).up, id(), id())).content).toContain("couldn't record your vote");
		} finally {
			await env.DB.exec("ALTER TABLE summary_votes_away RENAME TO summary_votes");
		}
		expect(writes).toHaveBeenCalledWith(expect.objectContaining({ blobs: ["vote", "failed", "bullets", "extractive", ""] }));
	});

	it("refuses a click on a message the bot did not write, or on a button not among its message's, storing nothing", async () => {
		const send = vi.spyOn(env.SUMMARY_QUEUE, "send");
		const writes = vi.spyOn(env.ANALYTICS, "writeDataPoint");
		const messageId = id();
		// Another app's button may carry any text where a vote names its model: none of it reaches analytics.
		const foreign = "vote:up:bullets:alice says the launch slipped";
		const forged = [
			buttonClick(voteIds(delivered).up, { guildId, channelId }, { messageId, authorId: id() }),
			buttonClick(voteIds(delivered).up, { guildId, channelId }, { messageId, customIds: ["vote:down:bullets:extractive"] }),
			buttonClick(foreign, { guildId, channelId }, { messageId, authorId: id(), customIds: [foreign] }),
		];
		for (const click of forged) {
			expect(await sendOk(click)).toMatchObject({
				type: 4,
				data: { flags: MessageFlags.Ephemeral, content: expect.stringContaining("isn't on one of my summaries") },
			});
		}
		expect(await votesOn(messageId)).toEqual([]);
		expect(send).not.toHaveBeenCalled();
		expect(writes.mock.calls.map(([point]) => point?.blobs)).toEqual(forged.map(() => ["vote", "refused", "", "", ""]));
	});
});
