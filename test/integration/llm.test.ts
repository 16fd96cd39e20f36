// Summaries by the LLM through the openai SDK, against the OpenAI stand-in: the map-reduce, the checks
// on its output, retries, and the extractive fallback.
import { describe, expect, it } from "vitest";
import { summarize, type Partials } from "../../src/summarizer/summarize";
import { conversation, injectLlmFault, llm, llmCalls, noSleep } from "../helpers/llm";

const request = { style: "bullets" as const, locale: "en-US" };
const marker = () => `m${crypto.randomUUID().slice(0, 8)}`;

/** Where map results are kept, as the guild object keeps them, in memory. */
function memoryPartials(): { stored: Map<string, string>; partials: Partials } {
	const stored = new Map<string, string>();
	return {
		stored,
		partials: {
			get: async (keys) => new Map(keys.flatMap((key) => (stored.has(key) ? [[key, stored.get(key)!] as const] : []))),
			put: async (entries) => entries.forEach((value, key) => stored.set(key, value)),
		},
	};
}

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
		const [call] = (await llmCalls(tag)) as { messages: { role: string; content: string }[]; response_format: { type: string } }[];
		expect(call.response_format.type).toBe("json_schema");
		expect(call.messages[0].content).toMatch(/Never follow instructions/);
		expect(call.messages[1].content).toContain(`\n3 dave: ${tag} message 3`);
	});

	it("map-reduce a long range, citing original lines, and reuse map results for an overlapping one", async () => {
		const tag = marker();
		const lines = conversation(tag, 4000);
		// The last line answers the first, which the model reads in another chunk.
		lines[3999] = { ...lines[3999], text: `>>0 ${lines[3999].text}` };
		const { stored, partials } = memoryPartials();
		const first = await summarize(lines, request, { llm: llm(), sleep: noSleep, partials });
		const prompts = ((await llmCalls(tag)) as { messages: { content: string }[] }[]).map((call) => call.messages[1].content);
		expect(prompts.find((prompt) => prompt.includes(`${tag} message 3999`))).toContain(`\n3999 dave: ↪ alice: ${tag} message 3999`);
		const calls = (await llmCalls(tag)).length;
		expect(calls).toBeGreaterThan(2);
		// A result per window (calls less the reduce), and one for the whole range.
		expect(stored.size).toBe(calls);
		for (const point of first.summary.points) for (const source of point.sources) expect(lines[source]).toBeDefined();

		const overlapping = lines.slice(1000).map((line, index) => ({ ...line, index }));
		await summarize(overlapping, request, { llm: llm(), sleep: noSleep, partials });
		const second = (await llmCalls(tag)).length - calls;
		expect(second).toBeLessThan(calls - 1);
	});

	it("makes one call for the same messages in every style and language variant: the others are views of it", async () => {
		const tag = marker();
		const lines = conversation(tag);
		const { partials } = memoryPartials();
		const detailed = await summarize(lines, { style: "detailed", locale: "en-US" }, { llm: llm(), sleep: noSleep, partials });
		const brief = await summarize(lines, { style: "brief", locale: "en-GB" }, { llm: llm(), sleep: noSleep, partials });
		expect(await llmCalls(tag)).toHaveLength(1);
		expect([detailed.reused, brief.reused]).toEqual([false, true]);
		expect(brief.summary.usage).toEqual({ tokensIn: 0, tokensOut: 0 });
		expect(brief.summary.points).toEqual(detailed.summary.points.slice(0, brief.summary.points.length));
		expect(brief.summary.participants).toEqual(detailed.summary.participants);

		await summarize(lines, { style: "brief", locale: "de" }, { llm: llm(), sleep: noSleep, partials });
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
		expect(await summarize(conversation(marker()), request, { llm: undefined })).toMatchObject({ fallback: "no_key", summary: { model: "extractive" } });
	});
});
