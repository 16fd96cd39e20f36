import { describe, expect, it } from "vitest";
import type { Summary } from "../../src/domain/summary";
import { type VIEWS, view } from "../../src/summarizer/styles";

const summary: Summary = {
	model: "gpt-4o-mini",
	points: Array.from({ length: 12 }, (_, i) => ({ text: `point ${i}`, sources: [i] })),
	actionItems: Array.from({ length: 6 }, (_, i) => ({ text: `task ${i}`, owner: null, sources: [i] })),
	participants: [{ name: "alice", messages: 3 }],
	links: [],
	usage: { tokensIn: 100, tokensOut: 20 },
};

describe("style views of one summary", () => {
	it("show the most important points first, fewer for the shorter styles", () => {
		const shown = (style: keyof typeof VIEWS) => view(summary, style).points.map((point) => point.text);
		expect(shown("brief")).toEqual(["point 0", "point 1", "point 2", "point 3"]);
		expect(shown("bullets")).toHaveLength(7);
		expect(shown("detailed")).toHaveLength(12);
		expect(shown("action_items")).toEqual(["point 0", "point 1", "point 2"]);
	});

	it("keep every action item where action items are the point, a few elsewhere, and the rest as it was", () => {
		expect(view(summary, "action_items").actionItems).toHaveLength(6);
		expect(view(summary, "detailed").actionItems).toHaveLength(6);
		expect(view(summary, "brief").actionItems.map((item) => item.text)).toEqual(["task 0", "task 1"]);
		expect(view(summary, "brief")).toMatchObject({ model: "gpt-4o-mini", participants: summary.participants, usage: summary.usage });
	});
});
