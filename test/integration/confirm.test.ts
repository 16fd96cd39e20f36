// Large ranges are confirmed: an estimate with Summarize and Cancel before anything is read or charged,
// on the interaction path for a count, in place of "thinking…" for a time range the consumer finds large.
// Real signed interactions and clicks, the live queue, the Discord emulator and D1.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it, vi } from "vitest";
import { summaries, usageEvents } from "../../src/db/schema";
import { type ButtonAction, buttonId } from "../../src/discord/buttons";
import { type SummaryJob, summaryKey } from "../../src/domain/job";
import { cacheSummary, guild } from "../helpers/guild";
import { buttonClick, id, sendOk, summarize } from "../helpers/interactions";
import { consumeWith, summaryJob } from "../helpers/jobs";
import { messageAt, user } from "../helpers/messages";
import { firstResult, resultsFor, seedChannel } from "../helpers/stand-in";

const db = drizzle(env.DB);
const [alice, bob] = [user("alice"), user("bob")];
const MINUTE = 60_000;

/** `count` messages up to now, `minutesApart` apart: a "since" range is measured back from the request. */
function channel(count: number, minutesApart: number) {
	const now = Date.now();
	return Array.from({ length: count }, (_, i) =>
		messageAt(
			i % 2 ? alice : bob,
			`point ${i} of the plan for the launch and who takes which task`,
			now - (count - i) * minutesApart * MINUTE,
		),
	);
}

type Components = { components: { custom_id: string; label: string }[] }[];
const customIds = (components: Components | undefined) => (components ?? []).flatMap((row) => row.components.map((c) => c.custom_id));
const outcomeOf = (interactionId: string) =>
	vi.waitUntil(async () => (await db.select().from(usageEvents).where(eq(usageEvents.id, interactionId)))[0]?.outcome ?? false, {
		timeout: 10_000,
	});

/** A member in a guild and channel of their own, and the id of `action`'s button over the newest 5,000 messages there. */
function overLargeRange(action: ButtonAction) {
	const where = { guildId: id(), channelId: id(), userId: id() };
	return { where, button: buttonId(action, { channelId: where.channelId, range: { kind: "count", messages: 5000 }, style: "brief" }) };
}

describe("a large count range", () => {
	it("is answered with an ephemeral estimate, Summarize and Cancel; nothing is started or charged", async () => {
		const where = { guildId: id(), channelId: id(), userId: id() };
		const send = vi.spyOn(env.SUMMARY_QUEUE, "send");
		const asked = summarize({ messages: 5000, public: true }, where);
		const answer = await sendOk(asked);
		expect(answer).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
		const data = (answer as { data: { content: string; components: Components } }).data;
		expect(data.content).toContain("about 5,000 messages");
		expect(data.content).toContain("no LLM tokens");
		expect(data.content).toContain("**Post publicly**");
		const request = { channelId: where.channelId, range: { kind: "count", messages: 5000 } as const, style: "brief" as const };
		expect(customIds(data.components)).toEqual([buttonId("confirm", request), buttonId("cancel", request)]);
		expect(send).not.toHaveBeenCalled();
		send.mockRestore();
		expect(await outcomeOf(asked.id)).toBe("confirm");
		// Not charged: the member's six requests are all still there.
		for (let i = 0; i < 6; i++) expect((await sendOk(summarize({ messages: 100 }, { ...where, channelId: id() }))).type).toBe(5);
	});

	it("is answered at once when the cache holds it", async () => {
		const where = { guildId: id(), channelId: id(), lastMessageId: id() };
		const { key } = summaryKey(
			{ channelId: where.channelId, range: { kind: "count", messages: 5000 }, style: "brief", locale: "en-US" },
			where.lastMessageId,
		);
		await cacheSummary(guild(where.guildId), key, { embeds: [{ description: "cached large summary" }] });
		expect(await sendOk(summarize({ messages: 5000 }, where))).toMatchObject({
			type: 4,
			data: { embeds: [{ description: "cached large summary" }] },
		});
	});

	it("starts when the member who asked clicks Summarize: the summary replaces the estimate", async () => {
		const { where, button: confirm } = overLargeRange("confirm");
		await seedChannel(where.channelId, channel(30, 1));
		const click = buttonClick(confirm, where);
		expect(await sendOk(click)).toEqual({ type: 6 });
		const result = await firstResult(click.token);
		// In place of the estimate: an edit of the message the button is on, not a follow-up.
		expect(result).toMatchObject({ method: "PATCH", messageId: "@original" });
		expect(JSON.stringify(result.body)).toContain("30 messages");
		const [row] = await vi.waitUntil(async () => {
			const rows = await db.select().from(summaries).where(eq(summaries.id, click.id));
			return rows.length ? rows : false;
		});
		expect(row).toMatchObject({ rangeKind: "count", rangeMessages: 5000, messageCount: 30, public: false });
	});

	it("is not started by anyone else, nor from an estimate older than 15 minutes", async () => {
		const { where, button: confirm } = overLargeRange("confirm");
		const send = vi.spyOn(env.SUMMARY_QUEUE, "send");
		expect(await sendOk(buttonClick(confirm, where, { requesterId: id() }))).toMatchObject({
			type: 4,
			data: { flags: 64, content: expect.stringContaining("Only the member who asked") },
		});
		expect(await sendOk(buttonClick(confirm, where, { askedAt: Date.now() - 16 * MINUTE }))).toMatchObject({
			type: 4,
			data: { flags: 64, content: expect.stringContaining("more than 15 minutes old") },
		});
		expect(send).not.toHaveBeenCalled();
		send.mockRestore();
	});

	it("is not estimated again for a button under its summary, whose range the bot has run", async () => {
		const { where, button: refresh } = overLargeRange("refresh");
		expect(await sendOk(buttonClick(refresh, where))).toEqual({ type: 5, data: { flags: 64 } });
	});

	it("is estimated for another member clicking a button under someone else's public summary of it", async () => {
		const { where, button: detail } = overLargeRange("detail");
		const send = vi.spyOn(env.SUMMARY_QUEUE, "send");
		expect(await sendOk(buttonClick(detail, where, { requesterId: id() }))).toMatchObject({
			type: 4,
			data: { flags: 64, content: expect.stringContaining("That is a large range") },
		});
		expect(send).not.toHaveBeenCalled();
		send.mockRestore();
	});

	it("Cancel takes the buttons away, and only for the member who asked", async () => {
		const { where, button: cancel } = overLargeRange("cancel");
		expect(await sendOk(buttonClick(cancel, where))).toEqual({
			type: 7,
			data: { content: "Cancelled: nothing was read or summarized.", embeds: [], components: [], allowed_mentions: { parse: [] } },
		});
		expect(await sendOk(buttonClick(cancel, where, { requesterId: id() }))).toMatchObject({
			type: 4,
			data: { flags: 64, content: expect.stringContaining("Only the member who asked") },
		});
		expect(await sendOk(buttonClick(cancel, where, { authorId: id() }))).toMatchObject({
			type: 4,
			data: { flags: 64, content: expect.stringContaining("isn't on one of my summaries") },
		});
	});
});

describe("a time range", () => {
	const job = (channelId: string, lastMessageId: string) =>
		summaryJob({ channelId, lastMessageId, range: { kind: "since", seconds: 14 * 86_400, maxMessages: 10_000 }, public: true });
	async function consume(summaryJob: SummaryJob) {
		expect((await consumeWith(env, 1, summaryJob)).explicitAcks).toEqual(["m0"]);
		return (await resultsFor(summaryJob.token))[0].body as { content?: string; embeds?: unknown[]; components?: Components };
	}

	it("that its newest page shows to be large gets the estimate in place of thinking…, as public as it, without reading on", async () => {
		const messages = channel(150, 0.1);
		const summaryJob = job(id(), messages.at(-1)!.id);
		await seedChannel(summaryJob.channelId, messages);
		const shown = await consume(summaryJob);
		expect(shown.content).toContain("That is a large range");
		expect(shown.content).toContain("about 10,000 messages");
		expect(shown.content).not.toContain("Post publicly");
		expect(customIds(shown.components).map((custom) => custom.split(":")[1])).toEqual(["confirm_public", "cancel"]);
		expect(await db.select().from(summaries).where(eq(summaries.id, summaryJob.interactionId))).toEqual([]);
		expect(await outcomeOf(summaryJob.interactionId)).toBe("confirm");
	});

	it("that is small is summarized as usual", async () => {
		const messages = channel(50, 30);
		const summaryJob = job(id(), messages.at(-1)!.id);
		await seedChannel(summaryJob.channelId, messages);
		const shown = await consume(summaryJob);
		expect(shown.content ?? "").not.toContain("large range");
		expect(JSON.stringify(shown.embeds)).toContain("50 messages");
		// The newest page the size check read is the reader's first: fetched once.
		const { pages } = (await (await fetch("http://discord.test/__emulator/stats")).json()) as { pages: Record<string, number> };
		expect(pages[summaryJob.channelId]).toBe(1);
	});
});
