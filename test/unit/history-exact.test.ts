// The history reader against generated channels, compared with a brute-force reference: whatever the
// density (bursts, quiet weeks, long silences, deleted messages, fewer messages than asked), a range reads
// exactly its messages, in a bounded number of pages.
import { fc, test } from "@fast-check/vitest";
import type { APIMessage } from "discord-api-types/v10";
import { describe, expect } from "vitest";
import type { Range } from "../../src/domain/job";
import { snowflakeAt } from "../../src/domain/snowflake";
import { bounds, fetchHistory } from "../../src/summarizer/history";

const NOW = Date.UTC(2026, 11, 2, 12);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A stretch of a channel's life: `count` messages `everyMs` apart, after `silenceMs` of nothing. */
const phase = fc.record({
	count: fc.integer({ min: 0, max: 2500 }),
	everyMs: fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: MINUTE, max: DAY })),
	silenceMs: fc.oneof(fc.constant(0), fc.integer({ min: MINUTE, max: 30 * DAY })),
});

/** A channel's ids, oldest first: its phases laid back from NOW, some messages since deleted. */
const channel = fc
	.record({
		phases: fc.array(phase, { minLength: 1, maxLength: 5 }),
		deletedEvery: fc.oneof(fc.constant(0), fc.integer({ min: 2, max: 50 })),
	})
	.map(({ phases, deletedEvery }) => {
		const times: number[] = [];
		let at = NOW;
		for (const { count, everyMs, silenceMs } of phases) {
			at -= silenceMs;
			for (let i = 0; i < count; i++, at -= everyMs) times.push(at);
		}
		// Several messages in one millisecond get consecutive increments, as Discord's do.
		const ids = times.reverse().map((time, i) => snowflakeAt(time) + BigInt(i % 4096));
		const unique = [...new Set(ids)].sort((a, b) => (a < b ? -1 : 1));
		return deletedEvery ? unique.filter((_, i) => i % deletedEvery !== 0) : unique;
	});

const range = (ids: bigint[]) =>
	fc.oneof(
		fc.integer({ min: 2, max: 10_000 }).map((messages): Range => ({ kind: "count", messages })),
		fc
			.record({ seconds: fc.integer({ min: 60, max: 14 * 86_400 }), maxMessages: fc.integer({ min: 2, max: 10_000 }) })
			.map((since): Range => ({ kind: "since", ...since })),
		...(ids.length
			? [fc.integer({ min: 0, max: ids.length - 1 }).map((i): Range => ({ kind: "from", messageId: ids[i].toString() }))]
			: []),
	);

/** Discord's paging: `before` gives the newest `limit` messages older than it, `after` the oldest newer; newest first. */
function discord(ids: bigint[]) {
	let pages = 0;
	const get = async <T>(path: string): Promise<T> => {
		pages++;
		const query = new URL(path, "http://discord").searchParams;
		const limit = Number(query.get("limit"));
		const after = query.get("after");
		const before = BigInt(query.get("before") ?? "18446744073709551615");
		const page = after === null ? ids.filter((id) => id < before).slice(-limit) : ids.filter((id) => id > BigInt(after)).slice(0, limit);
		return page.reverse().map((id) => ({ id: id.toString() }) as APIMessage) as T;
	};
	return { get, pages: () => pages };
}

/** The reference: every message of the range, then its newest `cap`. */
function expected(ids: bigint[], range: Range): bigint[] {
	const { start, end, cap } = bounds(range, NOW);
	return ids.filter((id) => id >= start && id < end).slice(-cap);
}

describe("fetchHistory, exact for any density", () => {
	test.prop([channel.chain((ids) => fc.tuple(fc.constant(ids), range(ids)))], { numRuns: 150 })(
		"reads exactly the range, in bounded pages",
		async ([ids, asked]) => {
			const api = discord(ids);
			const read = await fetchHistory("1", asked, NOW, { get: api.get });
			const want = expected(ids, asked);
			expect(read.map((message) => BigInt(message.id))).toEqual(want);
			// Each page holds 100: the newest page, a page per segment to find its end, and the range's own pages.
			expect(api.pages()).toBeLessThanOrEqual(2 * Math.ceil(want.length / 100) + 12);
		},
	);

	test("a busy sprint 12 days ago under a quiet week: the newest 1,000 are the quiet week's 300 and the sprint's newest 700", async () => {
		const quiet = Array.from({ length: 300 }, (_, i) => snowflakeAt(NOW - (300 - i) * 30 * MINUTE));
		const sprint = Array.from({ length: 2500 }, (_, i) => snowflakeAt(NOW - 12 * DAY - (2500 - i) * 2000) + BigInt(i % 7));
		const ids = [...sprint, ...quiet];
		const api = discord(ids);
		const read = await fetchHistory("1", { kind: "count", messages: 1000 }, NOW, { get: api.get });
		expect(read.map((message) => BigInt(message.id))).toEqual(ids.slice(-1000));
		expect(api.pages()).toBeLessThanOrEqual(20);
	});
});
