import { describe, expect, it } from "vitest";
import { compact } from "../../src/summarizer/compact";
import { extractive } from "../../src/summarizer/extractive";
import type { Line } from "../../src/summarizer/line";
import { message, user } from "../helpers/messages";

const [alice, bob, carol, dave] = ["alice", "bob", "carol", "dave"].map((name) => user(name));

// A release discussion: decisions and questions among chit-chat, one very talkative member.
const conversation = [
	[alice, "morning all"],
	[bob, "lol"],
	[alice, "We decided to ship the release candidate on Friday after the database migration passes staging"],
	[dave, "ok"],
	[carol, "The database migration failed on staging because the index on usage events timed out"],
	[dave, "haha nice"],
	[bob, "@carol can you rerun the migration on staging with the index built concurrently by Thursday?"],
	[dave, "anyone want coffee"],
	[dave, "coffee coffee coffee"],
	[dave, "brb"],
	[carol, "I'll rerun the staging migration tonight and post the timings in the release channel"],
	[alice, "Release notes draft is at https://docs.example/release-notes please review the migration section"],
	[dave, "thanks"],
	[dave, "👍"],
] as const;
const lines: Line[] = compact(conversation.map(([who, text], i) => message(who, text, i * 10)));
const textOf = (index: number) => lines[index].text;

describe("extractive", () => {
	const summary = extractive(lines, { style: "brief" });
	const chosen = summary.points.map((point) => point.text);

	it("chooses the substantive lines over chit-chat, in conversation order, citing them", () => {
		expect(chosen).toContain(conversation[2][1]);
		expect(chosen).toContain(conversation[4][1]);
		for (const chatter of ["morning all", "lol", "ok", "haha nice", "anyone want coffee", "brb", "thanks"]) expect(chosen).not.toContain(chatter);
		const cited = summary.points.map((point) => point.sources[0]);
		expect(cited).toEqual([...cited].sort((a, b) => a - b));
		for (const point of summary.points) expect(point.text).toBe(textOf(point.sources[0]));
		expect(summary.model).toBe("extractive");
	});

	it("hears several voices rather than the most talkative one", () => {
		const authors = new Set(summary.points.map((point) => lines[point.sources[0]].author));
		expect(authors.size).toBeGreaterThanOrEqual(3);
		expect([...authors]).not.toContain("dave");
	});

	it("finds action items and their owners", () => {
		const items = extractive(lines, { style: "action_items" }).actionItems;
		expect(items).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ owner: "carol", text: expect.stringContaining("rerun the migration") }),
				expect.objectContaining({ owner: "carol", text: expect.stringContaining("I'll rerun") }),
			]),
		);
	});

	it("lists participants by activity and the links", () => {
		expect(summary.participants[0]).toEqual({ name: "dave", messages: 7 });
		expect(summary.participants.map((p) => p.name).sort()).toEqual(["alice", "bob", "carol", "dave"]);
		expect(summary.links).toEqual(["https://docs.example/release-notes"]);
	});

	it("scales the number of points with the style, and handles tiny inputs", () => {
		expect(extractive(lines, { style: "detailed" }).points.length).toBeGreaterThan(summary.points.length);
		expect(extractive([], { style: "brief" }).points).toEqual([]);
		expect(extractive(lines.slice(2, 3), { style: "brief" }).points).toHaveLength(1);
	});

	it("is deterministic and copes with 10,000 lines", () => {
		expect(extractive(lines, { style: "bullets" })).toEqual(extractive(lines, { style: "bullets" }));
		const many = compact(Array.from({ length: 10_000 }, (_, i) => message(user(`u${i % 50}`), `update ${i}: ${["deploy", "migration", "review", "tests", "budget"][i % 5]} status for team ${i % 13} looks ${i % 2 ? "good" : "blocked"}`, i)));
		expect(extractive(many, { style: "detailed" }).points).toHaveLength(10);
	});
});
