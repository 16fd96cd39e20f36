import { describe, expect, it } from "vitest";
import { buttonId, offersRefresh, parseButtonId, parseVoteId, summaryButtons, voteId } from "../../src/discord/buttons";
import { parseRangeKey, rangeKey } from "../../src/domain/job";

describe("summary buttons", () => {
	const request = {
		channelId: "123456789012345678",
		origin: "123456789012345678",
		range: { kind: "since", seconds: 21_600, maxMessages: 10_000 } as const,
		style: "bullets" as const,
		public: false,
		model: "gpt-4o-mini",
	};

	it("carry the request in their id, within Discord's 100 characters", () => {
		for (const row of summaryButtons(request)) {
			for (const button of row.components) {
				expect("custom_id" in button && button.custom_id.length).toBeLessThanOrEqual(100);
			}
		}
		expect(parseButtonId(buttonId("detail", request))).toEqual({
			action: "detail",
			channelId: request.channelId,
			range: request.range,
			style: "detailed",
		});
		expect(parseButtonId(buttonId("shorter", request))?.style).toBe("brief");
		expect(parseButtonId(buttonId("public", request))?.style).toBe("bullets");
		expect(parseButtonId(buttonId("refresh", request))).toEqual({
			action: "refresh",
			channelId: request.channelId,
			range: request.range,
			style: "bullets",
		});
	});

	it("offer only what makes sense, and the votes in a row of their own under every summary", () => {
		const labels = (r: Parameters<typeof summaryButtons>[0]) =>
			summaryButtons(r).map((row) => row.components.map((b) => ("label" in b && b.label ? b.label : "emoji" in b ? b.emoji?.name : "")));
		const votes = ["👍", "👎"];
		expect(labels(request)).toEqual([["Shorter", "More detail", "Post publicly"], votes]);
		expect(labels({ ...request, style: "brief", public: true })).toEqual([["More detail"], votes]);
		expect(labels({ ...request, style: "detailed" })).toEqual([["Shorter", "Post publicly"], votes]);
		expect(labels({ ...request, refreshable: true })).toEqual([["Refresh", "Shorter", "More detail", "Post publicly"], votes]);
		for (const row of summaryButtons({ ...request, refreshable: true })) expect(row.components.length).toBeLessThanOrEqual(5);
		// A catch-up speaks to its member ("since your last message"): not one to post for everyone.
		expect(labels({ ...request, range: { kind: "after", messageId: "42" } })).toEqual([["Shorter", "More detail"], votes]);
		expect(labels({ ...request, range: { kind: "joined", at: 1_700_000_000_000 } })).toEqual([["Shorter", "More detail"], votes]);
	});

	it("carry the vote, and the style and model of the summary voted on", () => {
		const [, votes] = summaryButtons(request);
		expect(votes.components.map((b) => ("custom_id" in b ? parseVoteId(b.custom_id) : undefined))).toEqual([
			{ vote: "up", style: "bullets", model: "gpt-4o-mini" },
			{ vote: "down", style: "bullets", model: "gpt-4o-mini" },
		]);
		expect(parseVoteId(voteId({ vote: "down", style: "action_items", model: "llama3:8b" }))).toEqual({
			vote: "down",
			style: "action_items",
			model: "llama3:8b",
		});
		// A model's name too long for Discord's limit is cut, and still parses.
		const long = voteId({ vote: "up", style: "brief", model: "m".repeat(200) });
		expect(long.length).toBe(100);
		expect(parseVoteId(long)?.model).toBe("m".repeat(100 - "vote:up:brief:".length));
		for (const id of ["vote:up:brief:", "vote:maybe:brief:gpt", "vote:up:haiku:gpt", "vote:up", "votes:up:brief:gpt"]) {
			expect(parseVoteId(id)).toBeUndefined();
		}
	});

	it("tell whether a result offers Refresh", () => {
		expect(offersRefresh(summaryButtons({ ...request, refreshable: true }))).toBe(true);
		expect(offersRefresh(summaryButtons(request))).toBe(false);
		expect(offersRefresh(undefined)).toBe(false);
	});

	it("reject ids that are not theirs or are malformed", () => {
		for (const id of [
			"x",
			"summary:dance:1:n100:brief",
			"summary:detail:abc:n100:brief",
			"summary:detail:1:n100:haiku",
			"summary:detail:1:q5:brief",
			// Ranges beyond what the command accepts.
			"summary:detail:1:n99999:brief",
			"summary:detail:1:n1:brief",
			"summary:detail:1:s9999999n100:brief",
			"summary:detail:1:s30n100:brief",
			"summary:detail:1:s3600n10001:brief",
			// A catch-up before its start is found names a member, never a range a button replays.
			"summary:detail:1:c42:brief",
		]) {
			expect(parseButtonId(id)).toBeUndefined();
		}
	});

	it("round-trip every kind of range", () => {
		for (const range of [
			{ kind: "count", messages: 100 },
			{ kind: "since", seconds: 60, maxMessages: 50 },
			{ kind: "from", messageId: "42" },
			{ kind: "after", messageId: "42" },
			{ kind: "joined", at: 1_700_000_000_000 },
		] as const) {
			expect(parseRangeKey(rangeKey(range))).toEqual(range);
		}
	});
});
