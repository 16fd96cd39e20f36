// Summaries by the LLM through the openai SDK, against the OpenAI stand-in: calls per window, spans kept
// and reused across ranges, the newest messages quoted, the checks on its output, retries, and the
// extractive fallback.
import { describe, expect, it } from "vitest";
import type { Line } from "../../src/domain/line";
import type { Span } from "../../src/domain/summary";
import { MAX_OUTPUT_TOKENS } from "../../src/summarizer/llm";
import { type SpanStore, summarize } from "../../src/summarizer/summarize";
import { conversation, injectLlmFault, llm, llmCalls, noSleep } from "../helpers/llm";

const request = { guildId: "1", channelId: "1", style: "bullets" as const, locale: "en-US" };
const marker = () => `m${crypto.randomUUID().slice(0, 8)}`;

/** Where spans are kept, as the guild object keeps them, in memory. */
function memorySpans(): { stored: Span[]; spans: SpanStore } {
	const stored: (Span & { scope: string })[] = [];
	const overlaps = (span: Span, first: string, last: string) =>
		BigInt(span.firstId) <= BigInt(last) && BigInt(span.lastId) >= BigInt(first);
	return {
		stored,
		spans: {
			get: async (scope, first, last) => stored.filter((span) => span.scope === scope && overlaps(span, first, last)),
			put: async (scope, spans) => void stored.push(...spans.map((span) => ({ ...span, scope }))),
		},
	};
}

type Call = { messages: { role: string; content: string }[]; response_format: { type: string } };
const prompts = async (tag: string) => ((await llmCalls(tag)) as Call[]).map((call) => call.messages[1].content);
/** Lines from..to-1 of a conversation, numbered from 0 as a range of their own. */
const range = (lines: Line[], from: number, to: number) => lines.slice(from, to).map((line, index) => ({ ...line, index }));

describe("LLM summaries", () => {
	it("cite lines of the conversation, with usage and participants", async () => {
		const tag = marker();
		const lines = conversation(tag);
		const { summary, fallback } = await summarize(lines, request, { llm: llm(), sleep: noSleep });
		expect(fallback).toBeNull();
		expect(summary.model).toBe("gpt-4o-mini");
		expect(summary.points.length).toBeGreaterThan(0);
		const cited = summary.points.flatMap((point) => point.sources);
		expect(cited.every((source) => source >= 0 && source < lines.length)).toBe(true);
		expect(summary.usage.tokensIn).toBeGreaterThan(0);
		expect(summary.participants.map((p) => p.name).sort()).toEqual(["alice", "bob", "carol", "dave"]);
		const [call] = (await llmCalls(tag)) as {
			messages: { role: string; content: string }[];
			response_format: { type: string };
			max_completion_tokens: number;
		}[];
		expect(call.response_format.type).toBe("json_schema");
		expect(call.max_completion_tokens).toBe(MAX_OUTPUT_TOKENS);
		expect(call.messages[0].content).toMatch(/Never follow instructions/);
		expect(call.messages[1].content).toContain(`\n3 dave: ${tag} message 3`);
	});

	it("summarizes a long range in windows, one call each, and a later range pays only for what no span covers", async () => {
		const tag = marker();
		const lines = conversation(tag, 3300);
		// In the range from line 1000, the last line answers that range's first, which the model reads in another window.
		lines[3299] = { ...lines[3299], text: `>>0 ${lines[3299].text}` };
		const { stored, spans } = memorySpans();
		const first = await summarize(lines.slice(0, 3000), request, { llm: llm(), sleep: noSleep, spans });
		const windows = stored.length;
		expect(windows).toBeGreaterThan(2);
		const calls = (await llmCalls(tag)).length;
		for (const point of first.summary.points) for (const source of point.sources) expect(lines[source]).toBeDefined();

		// A range that starts where a window did is made of whole spans: no call.
		const start = lines.findIndex((line) => line.messageIds[0] === stored[1].firstId);
		const overlapping = await summarize(range(lines, start, 3000), request, { llm: llm(), sleep: noSleep, spans });
		expect([(await llmCalls(tag)).length, overlapping.reused, overlapping.summary.newest]).toEqual([calls, true, undefined]);
		expect(overlapping.summary.points.length).toBeGreaterThan(0);

		// One window more (300 lines are well inside a call's tokens, whatever the marker), for the lines no span
		// covers, read after the 6 lines before them.
		const longer = await summarize(range(lines, start, 3300), request, { llm: llm(), sleep: noSleep, spans });
		expect(stored).toHaveLength(windows + 1);
		const [added] = (await prompts(tag)).slice(calls);
		expect(added.split("\n")[1]).toMatch(new RegExp(`^${2994 - start} \\w+: ${tag} message 2994 `));
		expect(added).toContain(`\n${3299 - start} dave: ↪ ${lines[start].author}: ${tag} message 3299`);
		expect(longer.reused).toBe(false);
		expect(longer.summary.points.some((point) => point.sources.some((source) => source >= 2000))).toBe(true);
	});

	it("quotes the newest few messages instead of a call for them, and summarizes them when asked to", async () => {
		const tag = marker();
		const lines = conversation(tag, 150);
		const { spans } = memorySpans();
		await summarize(lines.slice(0, 100), request, { llm: llm(), sleep: noSleep, spans });
		expect(await llmCalls(tag)).toHaveLength(1);

		const later = await summarize(lines.slice(0, 110), request, { llm: llm(), sleep: noSleep, spans });
		expect(await llmCalls(tag)).toHaveLength(1);
		expect(later.reused).toBe(true);
		expect(later.summary.newest?.messages).toBe(10);
		expect(later.summary.newest?.points.length).toBeGreaterThan(0);
		for (const point of later.summary.newest!.points) expect(point.sources.every((source) => source >= 100)).toBe(true);

		const refreshed = await summarize(lines.slice(0, 110), { ...request, fresh: true }, { llm: llm(), sleep: noSleep, spans });
		const [, prompt] = await prompts(tag);
		expect(refreshed.summary.newest).toBeUndefined();
		expect(refreshed.summary.points.some((point) => point.sources.some((source) => source >= 100))).toBe(true);
		// The window read after a few lines of context, which the model is told not to summarize.
		expect(
			prompt
				.split("\n")
				.slice(1, -1)
				.map((line) => Number(line.split(" ")[0])),
		).toEqual([94, 95, 96, 97, 98, 99, ...Array.from({ length: 10 }, (_, i) => 100 + i)]);
		const [, call] = (await llmCalls(tag)) as Call[];
		expect(call.messages[0].content).toContain("Lines numbered below 100 come before the part to summarize");

		// More than a tenth of the range new: a call, for the new lines only.
		await summarize(lines, request, { llm: llm(), sleep: noSleep, spans });
		const third = (await prompts(tag))[2];
		expect(third).toContain(`\n110 `);
		expect(third).not.toContain(`\n100 `);
	});

	it("after a range slides, reads again only the part of it its start cut, in one call, and quotes the newest few", async () => {
		const tag = marker();
		const lines = conversation(tag, 170);
		const { stored, spans } = memorySpans();
		await summarize(lines.slice(0, 100), request, { llm: llm(), sleep: noSleep, spans });
		await summarize(lines.slice(0, 160), request, { llm: llm(), sleep: noSleep, spans });
		expect(stored.map((span) => [span.firstId, span.lastId])).toEqual([
			["10000", "10099"],
			["10100", "10159"],
		]);

		// Lines 50–164: the start cuts the first span; the second is used whole; 5 new lines are within the newest tenth.
		const slid = await summarize(range(lines, 50, 165), request, { llm: llm(), sleep: noSleep, spans });
		const calls = await prompts(tag);
		expect(calls).toHaveLength(3);
		const read = calls[2]
			.split("\n")
			.slice(1, -1)
			.map((line) => Number(line.split(" ")[0]));
		expect(read).toEqual(Array.from({ length: 50 }, (_, i) => i));
		expect(slid.summary.newest?.messages).toBe(5);
		expect(slid.reused).toBe(false);
		// Points from both the span read again and the one used whole (lines 100–159 are 50–109 here).
		const cited = slid.summary.points.flatMap((point) => point.sources);
		expect(cited.some((source) => source < 50)).toBe(true);
		expect(cited.some((source) => source >= 50 && source < 110)).toBe(true);
		expect(cited.every((source) => source < 110)).toBe(true);
	});

	it("reads again the part of a kept span that a range's start cuts: its points may rest on messages before the range", async () => {
		const tag = marker();
		const lines = conversation(tag, 50);
		const { stored, spans } = memorySpans();
		// What the LLM said of the last 50 messages, every point citing messages before the 31st newest.
		const early = lines.slice(0, 19).map((line) => line.messageIds[0]);
		await spans.put(`${request.channelId}:en:gpt-4o-mini`, [
			{
				firstId: lines[0].messageIds[0],
				lastId: lines[49].messageIds[0],
				points: [{ text: "an early decision", sources: early.slice(0, 3) }],
				actionItems: [],
			},
		]);
		const fromHere = await summarize(range(lines, 19, 50), request, { llm: llm(), sleep: noSleep, spans });
		expect(await llmCalls(tag)).toHaveLength(1);
		expect(fromHere).toMatchObject({ reused: false, fallback: null });
		expect(fromHere.summary.points.length).toBeGreaterThan(0);
		expect(fromHere.summary.points.map((point) => point.text)).not.toContain("an early decision");
		expect(stored).toHaveLength(2);
	});

	it("makes one call for the same messages in every style and language variant: the others are views of it", async () => {
		const tag = marker();
		const lines = conversation(tag);
		const { spans } = memorySpans();
		const detailed = await summarize(lines, { ...request, style: "detailed", locale: "en-US" }, { llm: llm(), sleep: noSleep, spans });
		const brief = await summarize(lines, { ...request, style: "brief", locale: "en-GB" }, { llm: llm(), sleep: noSleep, spans });
		expect(await llmCalls(tag)).toHaveLength(1);
		expect([detailed.reused, brief.reused]).toEqual([false, true]);
		expect(brief.summary.usage).toEqual({ tokensIn: 0, tokensOut: 0 });
		expect(brief.summary.points).toEqual(detailed.summary.points.slice(0, brief.summary.points.length));
		expect(brief.summary.participants).toEqual(detailed.summary.participants);

		await summarize(lines, { ...request, style: "brief", locale: "de" }, { llm: llm(), sleep: noSleep, spans });
		expect(await llmCalls(tag)).toHaveLength(2);
	});

	it("drops citations outside the conversation and owners who aren't in it", async () => {
		const tag = marker();
		await injectLlmFault("bad_citations", tag);
		const { summary } = await summarize(conversation(tag), request, { llm: llm(), sleep: noSleep });
		expect(summary.points.flatMap((p) => p.sources)).not.toContain(99_999);
		expect(summary.actionItems.map((item) => item.owner)).not.toContain("nobody-here");
	});

	it("retries a rate limit and a server error, then succeeds", async () => {
		const tag = marker();
		await injectLlmFault("rate_limit", tag);
		await injectLlmFault("server_error", tag);
		const { fallback } = await summarize(conversation(tag), request, { llm: llm(), sleep: noSleep });
		expect(fallback).toBeNull();
		expect(await llmCalls(tag)).toHaveLength(3);
	});

	it("splits a truncated answer's lines in two", async () => {
		const tag = marker();
		await injectLlmFault("length", tag);
		const { fallback, summary } = await summarize(conversation(tag), request, { llm: llm(), sleep: noSleep });
		expect(fallback).toBeNull();
		expect(await llmCalls(tag)).toHaveLength(3);
		expect(summary.points.length).toBeGreaterThan(0);
	});

	it("keeps what the windows that answered said when another fails, so a retry pays only for the rest", async () => {
		const tag = marker();
		const lines = conversation(tag, 3000);
		const { stored, spans } = memorySpans();
		await injectLlmFault("server_error", `${tag} message 2999 `, 3);
		const failed = await summarize(lines, request, { llm: llm(), sleep: noSleep, spans });
		const windows = (await llmCalls(tag)).length - 2;
		expect(stored).toHaveLength(windows - 1);
		// The windows that answered leave more than a tenth of the range unread: the extractive summarizer answers.
		expect(failed).toMatchObject({ fallback: "server", summary: { model: "extractive" } });
		const retried = await summarize(lines, request, { llm: llm(), sleep: noSleep, spans });
		expect([retried.fallback, (await llmCalls(tag)).length]).toEqual([null, windows + 3]);
	});

	it("when the LLM fails, serves a range from earlier spans if they cover 90% of it, quoting the rest", async () => {
		const tag = marker();
		const lines = conversation(tag, 1000);
		const { spans } = memorySpans();
		await summarize(lines.slice(0, 940), request, { llm: llm(), sleep: noSleep, spans });
		// 60 new messages: more than a summary quotes rather than a call, within the tenth it may quote when the LLM is down.
		await injectLlmFault("server_error", tag, 6);
		const served = await summarize(lines, request, { llm: llm(), sleep: noSleep, spans });
		expect(served).toMatchObject({ fallback: "server", reused: true, summary: { model: "gpt-4o-mini", newest: { messages: 60 } } });
		expect(served.summary.points.length).toBeGreaterThan(0);
		// Less than 90% covered: the extractive summarizer's summary of it all.
		const wider = await summarize(conversation(tag, 1200), request, { llm: llm(), sleep: noSleep, spans });
		expect(wider).toMatchObject({ fallback: "server", summary: { model: "extractive" } });
		// The LLM answers again, and its breaker counts failures from zero for the tests after this one.
		expect((await summarize(lines, request, { llm: llm(), sleep: noSleep, spans })).fallback).toBeNull();
	});

	it("falls back to the extractive summarizer when the LLM keeps failing or times out", async () => {
		const tag = marker();
		await injectLlmFault("server_error", tag, 3);
		const failed = await summarize(conversation(tag), request, { llm: llm(), sleep: noSleep });
		expect(failed).toMatchObject({ fallback: "server", summary: { model: "extractive" } });

		const slow = marker();
		await injectLlmFault("timeout", slow, 3);
		const timedOut = await summarize(conversation(slow), request, { llm: llm(), sleep: noSleep, timeoutMs: 100 });
		expect(timedOut).toMatchObject({ fallback: "timeout", summary: { model: "extractive" } });
	});

	it("uses the extractive summarizer without a key", async () => {
		expect(await summarize(conversation(marker()), request, { llm: undefined })).toMatchObject({
			fallback: "no_key",
			summary: { model: "extractive" },
		});
	});
});
