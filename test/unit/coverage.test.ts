import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { type Line, messageCount } from "../../src/domain/line";
import type { Span } from "../../src/domain/summary";
import { merge, NEWEST_UNSUMMARIZED, newestOnly, toSpan, uncovered, usable } from "../../src/summarizer/coverage";

/** Lines numbered from 0 whose messages have ids from `firstId`, one each unless `merged` says otherwise. */
function lines(count: number, firstId = 1000, merged: Record<number, number> = {}): Line[] {
	let next = firstId;
	return Array.from({ length: count }, (_, index) => {
		const messageIds = Array.from({ length: merged[index] ?? 1 }, () => String(next++));
		return {
			index,
			messageIds,
			authorId: `u${index % 3}`,
			author: ["alice", "bob", "carol"][index % 3],
			time: index,
			text: `line ${index}`,
		};
	});
}

const span = (firstId: number, lastId: number, points: [string, number[]][] = [], actionItems: [string, number[]][] = []): Span => ({
	firstId: String(firstId),
	lastId: String(lastId),
	points: points.map(([text, sources]) => ({ text, sources: sources.map(String) })),
	actionItems: actionItems.map(([text, sources]) => ({ text, owner: null, sources: sources.map(String) })),
});

describe("uncovered", () => {
	it("finds the runs of lines no span covers, a line being covered only when all its messages are", () => {
		const range = lines(10, 1000, { 4: 2 });
		// Line 4 holds messages 1004 and 1005; the first span ends within it.
		const runs = uncovered(range, [span(1000, 1004), span(1008, 1009)]);
		expect(runs.map((run) => run.map((line) => line.index))).toEqual([[4, 5, 6], [9]]);
		expect(uncovered(range, [])).toEqual([range]);
		expect(uncovered(range, [span(900, 2000)])).toEqual([]);
	});
});

describe("newestOnly", () => {
	const range = lines(100);

	it("lets the newest tenth of a range go unsummarized, at most 50 messages", () => {
		expect(newestOnly(range, uncovered(range, [span(1000, 1089)]))?.map((line) => line.index)).toEqual(
			Array.from({ length: 10 }, (_, i) => 90 + i),
		);
		expect(newestOnly(range, uncovered(range, [span(1000, 1088)]))).toBeUndefined();
		const long = lines(1000);
		expect(newestOnly(long, uncovered(long, [span(1000, 1949)]))).toHaveLength(50);
		expect(newestOnly(long, uncovered(long, [span(1000, 1948)]))).toBeUndefined();
	});

	it("never when the newest lines are covered, or the uncovered newest reach back to the range's first line", () => {
		expect(newestOnly(range, uncovered(range, [span(1010, 1099)]))).toBeUndefined();
		expect(newestOnly(range, uncovered(range, []))).toBeUndefined();
	});

	it("also beside an older run that needs a call: a sliding range reads its cut oldest part, and quotes its newest", () => {
		// A range whose start cut the span kept for its oldest messages, and ten messages newer than any span.
		const runs = uncovered(range, usable(range, [span(900, 1020), span(1021, 1089)]));
		expect(runs.map((run) => run.length)).toEqual([21, 10]);
		expect(newestOnly(range, runs)).toBe(runs[1]);
		expect(newestOnly(range, uncovered(range, [span(1000, 1040), span(1042, 1090)]))?.map((line) => line.index)).toEqual(
			Array.from({ length: 9 }, (_, i) => 91 + i),
		);
	});

	const spans = fc.array(
		fc.tuple(fc.integer({ min: 990, max: 1140 }), fc.integer({ min: 0, max: 60 })).map(([first, length]) => span(first, first + length)),
		{ maxLength: 6 },
	);
	const merges = fc.dictionary(fc.integer({ min: 0, max: 119 }).map(String), fc.integer({ min: 1, max: 3 }));

	test.prop([fc.integer({ min: 1, max: 120 }), merges, spans])(
		"is the range's uncovered newest lines, when they are the newest tenth at most (50 at most) and not the whole range",
		(count, merged, kept) => {
			const range = lines(count, 1000, Object.fromEntries(Object.entries(merged).map(([index, n]) => [Number(index), n])));
			const covered = (id: string) => kept.some((span) => Number(span.firstId) <= Number(id) && Number(id) <= Number(span.lastId));
			// Brute force: walk back from the newest line while a line has a message no span covers.
			let start = range.length;
			while (start > 0 && !range[start - 1].messageIds.every(covered)) start--;
			const newest = range.slice(start);
			const allowed = Math.min(NEWEST_UNSUMMARIZED.max, Math.floor(messageCount(range) * NEWEST_UNSUMMARIZED.share));
			const expected = newest.length && start > 0 && messageCount(newest) <= allowed ? newest : undefined;
			expect(newestOnly(range, uncovered(range, kept))).toEqual(expected);
		},
	);
});

describe("toSpan and merge", () => {
	it("keep citations as message ids, so another range with other line numbers finds them", () => {
		const first = lines(10, 1000);
		const kept = toSpan(
			{ points: [{ text: "the plan", sources: [2, 3] }], actionItems: [{ text: "write it up", owner: "bob", sources: [4] }] },
			first.slice(2, 6),
		);
		expect(kept).toEqual({
			firstId: "1002",
			lastId: "1005",
			points: [{ text: "the plan", sources: ["1002", "1003"] }],
			actionItems: [{ text: "write it up", owner: "bob", sources: ["1004"] }],
		});
		// The same messages, from line 0 of a range that starts later.
		expect(merge(lines(5, 1002), [kept])).toEqual({
			points: [{ text: "the plan", sources: [0, 1] }],
			actionItems: [{ text: "write it up", owner: "bob", sources: [2] }],
		});
	});

	it("drop citations of messages the range doesn't hold, and items left with none", () => {
		const range = lines(5, 1000).filter((line) => line.messageIds[0] !== "1002");
		const merged = merge(range, [
			span(990, 1004, [
				["before the range", [995]],
				["deleted since", [1002]],
				["partly", [995, 1003]],
			]),
		]);
		expect(merged.points).toEqual([{ text: "partly", sources: [3] }]);
	});

	it("keep each span's order, and take the next point from the span whose head ranks best for its share of the range", () => {
		const range = lines(100);
		const topics = ["release", "migration", "index", "budget", "rota", "onboarding", "review", "pricing"];
		const big = span(
			1000,
			1079,
			topics.map((topic, i): [string, number[]] => [`big ${topic}`, [1000 + i]]),
		);
		const small = span(1080, 1099, [
			["small deadline", [1080]],
			["small holiday", [1081]],
		]);
		const order = merge(range, [big, small]).points.map((point) => point.text);
		expect(order.filter((text) => text.startsWith("big"))).toEqual(topics.map((topic) => `big ${topic}`));
		expect(order.filter((text) => text.startsWith("small"))).toEqual(["small deadline", "small holiday"]);
		// (2 / 80, 1 / 20, 8 / 80): the small span's first point comes after big's second, before its last.
		expect(order.indexOf("small deadline")).toBeGreaterThan(order.indexOf("big migration"));
		expect(order.indexOf("small deadline")).toBeLessThan(order.indexOf("big pricing"));
	});

	it("among the windows of a long range, lead with the point on the range's common themes", () => {
		const range = lines(40);
		const heads = [
			"the release slips to Friday",
			"the release needs the database migration first",
			"lunch is pizza today",
			"the database migration before the release",
		];
		const windows = heads.map((head, w) => span(1000 + 10 * w, 1009 + 10 * w, [[head, [1000 + 10 * w]]]));
		const order = merge(range, windows).points.map((point) => point.text);
		expect(order.at(-1)).toBe("lunch is pizza today");
	});

	it("leave out a point that another span already made, but never one of the same span", () => {
		const range = lines(40);
		const a = span(1000, 1019, [
			["release moved to Friday after the database migration", [1000]],
			["release moved to Friday after the database migration", [1001]],
		]);
		const b = span(
			1020,
			1039,
			[
				["release moved to Friday after the database migration", [1020]],
				["budget review next week", [1021]],
			],
			[["ship it", [1022]]],
		);
		const merged = merge(range, [a, b]);
		expect(merged.points.map((point) => point.sources)).toEqual([[0], [1], [21]]);
		expect(merged.actionItems).toEqual([{ text: "ship it", owner: null, sources: [22] }]);
	});

	it("use only the outer of two spans when one lies inside the other, as when two jobs read the same messages", () => {
		const range = lines(20);
		const outer = span(1000, 1019, [["the whole story", [1000]]]);
		const inner = span(1010, 1019, [["the end of it", [1010]]]);
		expect(merge(range, [inner, outer]).points.map((point) => point.text)).toEqual(["the whole story"]);
		expect(
			merge(range, [outer, { ...outer, points: [{ text: "said twice", sources: ["1001"] }] }]).points.map((point) => point.text),
		).toEqual(["the whole story"]);
	});
});
