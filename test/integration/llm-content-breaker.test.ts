// An answer that is invalid or cut short may be one guild's messages steering the model: it pauses the
// LLM for that guild only, never for the others in the isolate (its own file: breakers are per isolate).
import { expect, it } from "vitest";
import { summarize } from "../../src/summarizer/summarize";
import { conversation, injectLlmFault, llm, llmCalls, noSleep } from "../helpers/llm";

it("counts content failures per guild: a guild whose answers keep coming back cut short doesn't stop the others", async () => {
	const tag = `c${crypto.randomUUID().slice(0, 8)}`;
	// One line cannot be split in halves: each cut-short answer is a failure of the job.
	const steered = conversation(tag, 1);
	await injectLlmFault("length", tag, 3);
	const hostile = { guildId: "10", channelId: "1", style: "brief" as const, locale: "en-US" };
	for (let i = 0; i < 3; i++) {
		expect(await summarize(steered, hostile, { llm: llm(), sleep: noSleep })).toMatchObject({ fallback: "truncated" });
	}
	expect(await summarize(steered, hostile, { llm: llm(), sleep: noSleep })).toMatchObject({ fallback: "breaker_open" });
	expect(await llmCalls(tag)).toHaveLength(3);

	const other = `o${crypto.randomUUID().slice(0, 8)}`;
	const elsewhere = { guildId: "20", channelId: "2", style: "brief" as const, locale: "en-US" };
	expect(await summarize(conversation(other), elsewhere, { llm: llm(), sleep: noSleep })).toMatchObject({
		fallback: null,
		summary: { model: "gpt-4o-mini" },
	});
});
