// After the LLM says the quota is spent, it is not asked again for a while (its own file: the breaker
// is per isolate).
import { expect, it } from "vitest";
import { summarize } from "../../src/summarizer/summarize";
import { conversation, injectLlmFault, llm, llmCalls, noSleep } from "../helpers/llm";

it("never retries insufficient_quota, and leaves the LLM alone afterwards", async () => {
	const tag = `q${crypto.randomUUID().slice(0, 8)}`;
	await injectLlmFault("insufficient_quota", tag);
	const request = { guildId: "1", channelId: "1", style: "brief" as const, locale: "en-US" };
	expect(await summarize(conversation(tag), request, { llm: llm(), sleep: noSleep })).toMatchObject({
		fallback: "quota",
		summary: { model: "extractive" },
	});
	expect(await llmCalls(tag)).toHaveLength(1);
	expect(await summarize(conversation(tag), request, { llm: llm(), sleep: noSleep })).toMatchObject({ fallback: "breaker_open" });
	expect(await llmCalls(tag)).toHaveLength(1);
});
