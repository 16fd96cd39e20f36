// The catch-up reader against generated channels, compared with a brute-force reference: wherever the
// member last wrote, whenever they joined, it starts where the command says, keeps exactly the messages
// after that start, reads no page twice, and names a range the history reader reads back exactly.
import { fc, test } from "@fast-check/vitest";
import { type APIMessage, MessageType } from "discord-api-types/v10";
import { describe, expect } from "vitest";
import type { Range } from "../../src/domain/job";
import { MESSAGES } from "../../src/domain/limits";
import { snowflakeAt } from "../../src/domain/snowflake";
import { type CatchUp, readCatchUp } from "../../src/summarizer/catch-up";
import { bounds, fetchHistory } from "../../src/summarizer/history";

const NOW = Date.UTC(2026, 11, 2, 12);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const MEMBER = "1";

interface Posted {
	id: bigint;
	author: string;
	type: MessageType;
}

/**
 * A channel, oldest first: messages laid back from NOW, mostly seconds apart with the odd silence of hours
 * or days, by the member (one in `every`: their last message is often pages back, or out of reach) and
 * others, a few of them system notices.
 */
const channel = fc
	.record({
		every: fc.integer({ min: 1, max: 400 }),
		messages: fc.array(
			fc.record({
				gapMs: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5_000 }), weight: 20 }, fc.integer({ min: MINUTE, max: 2 * DAY })),
				roll: fc.nat(),
				type: fc.constantFrom(MessageType.Default, MessageType.Default, MessageType.Reply, MessageType.UserJoin),
			}),
			{ maxLength: 700, size: "max" },
		),
	})
	.map(({ every, messages }) => {
		let at = NOW;
		const posted = messages.map(({ gapMs, roll, type }, i) => {
			at -= gapMs;
			return { id: snowflakeAt(at) + BigInt(i % 4096), author: roll % every === 0 ? MEMBER : "2", type };
		});
		const unique = new Map(posted.map((message) => [message.id, message]));
		return [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
	});

const joinedAt = fc.oneof(fc.integer({ min: NOW - 20 * DAY, max: NOW }), fc.constant(Date.UTC(2024, 0, 1)));

function asMessage(posted: Posted): APIMessage {
	return {
		id: posted.id.toString(),
		author: { id: posted.author, username: posted.author, discriminator: "0", global_name: null, avatar: null },
		type: posted.type,
	} as APIMessage;
}

/** Discord's paging: `before` gives the newest `limit` messages older than it, newest first. */
function discord(messages: Posted[]) {
	const seen = new Set<string>();
	let repeated = 0;
	const get = async <T>(path: string): Promise<T> => {
		if (seen.has(path)) repeated++;
		seen.add(path);
		const query = new URL(path, "http://discord").searchParams;
		const before = BigInt(query.get("before") ?? "18446744073709551615");
		const page = messages.filter((message) => message.id < before).slice(-Number(query.get("limit")));
		return page.reverse().map(asMessage) as T;
	};
	return { get, pages: () => seen.size, repeated: () => repeated };
}

/** The reference: the messages the reach may hold, then the member's newest among the newest 10,000, else their joining, else the reach. */
function expected(messages: Posted[], asked: Extract<Range, { kind: "catchup" }>, cap = MESSAGES.max) {
	const { start, end } = bounds(asked, NOW);
	const joined = snowflakeAt(asked.joinedAt);
	const reach = messages.filter((message) => message.id >= start && message.id < end);
	const sinceJoined = reach.filter((message) => message.id >= joined).reverse();
	const theirs = sinceJoined.findIndex(
		(message) => message.author === MEMBER && (message.type === MessageType.Default || message.type === MessageType.Reply),
	);
	if (theirs >= 0 && theirs < cap)
		return {
			kind: "after",
			from: sinceJoined[theirs].id,
			ids: sinceJoined
				.slice(0, theirs)
				.reverse()
				.map((message) => message.id),
		};
	if (sinceJoined.length < cap && joined > start) return { kind: "joined", ids: sinceJoined.reverse().map((message) => message.id) };
	return { kind: "since", ids: reach.slice(-cap).map((message) => message.id) };
}

const idsOf = (catchUp: CatchUp) => catchUp.messages.map((message) => BigInt(message.id));

describe("readCatchUp", () => {
	test.prop([channel, joinedAt], { numRuns: 200 })(
		"starts where the command says, keeps exactly what follows, reads each page once",
		async (messages, joined) => {
			const asked = { kind: "catchup", userId: MEMBER, joinedAt: joined } as const;
			const api = discord(messages);
			const catchUp = await readCatchUp("1", asked, NOW, { get: api.get });
			const want = expected(messages, asked);
			expect(catchUp.range.kind).toBe(want.kind);
			expect(idsOf(catchUp)).toEqual(want.ids);
			if (want.kind === "after") expect(catchUp.range).toEqual({ kind: "after", messageId: want.from?.toString() });
			expect(api.repeated()).toBe(0);
			// The pages of what it kept, and one more to see where that ends.
			expect(api.pages()).toBeLessThanOrEqual(Math.floor(want.ids.length / 100) + 2);
			// The range it names is exactly what it read: its summary's key names those messages.
			const again = await fetchHistory("1", catchUp.range, NOW, { get: discord(messages).get });
			expect(again.map((message) => BigInt(message.id))).toEqual(idsOf(catchUp));
		},
	);

	test("past 10,000 messages without one of the member's, it is the newest 10,000 of the last 14 days", async () => {
		const others = Array.from({ length: 10_050 }, (_, i) => ({
			id: snowflakeAt(NOW - (10_050 - i) * MINUTE),
			author: "2",
			type: MessageType.Default,
		}));
		const messages = [{ id: snowflakeAt(NOW - 10 * DAY), author: MEMBER, type: MessageType.Default }, ...others];
		const asked = { kind: "catchup", userId: MEMBER, joinedAt: NOW - 13 * DAY } as const;
		const catchUp = await readCatchUp("1", asked, NOW, { get: discord(messages).get });
		expect(catchUp.range).toEqual({ kind: "since", seconds: 14 * 86_400, maxMessages: 10_000 });
		expect(idsOf(catchUp)).toEqual(others.slice(-10_000).map((message) => message.id));
	});

	test("a channel whose newest message is the member's has nothing new, and says which it is", async () => {
		const messages = [
			{ id: snowflakeAt(NOW - 2 * MINUTE), author: "2", type: MessageType.Default },
			{ id: snowflakeAt(NOW - MINUTE), author: MEMBER, type: MessageType.Reply },
		];
		const catchUp = await readCatchUp("1", { kind: "catchup", userId: MEMBER, joinedAt: 0 }, NOW, { get: discord(messages).get });
		expect(catchUp).toEqual({ range: { kind: "after", messageId: messages[1].id.toString() }, messages: [] });
	});
});
