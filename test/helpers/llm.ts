// The openai SDK pointed at the OpenAI stand-in, and helpers to steer the stand-in.
import OpenAI from "openai";
import type { Line } from "../../src/domain/line";

export const llm = () => ({
	client: new OpenAI({ apiKey: "test-key", baseURL: "http://openai.test/v1", maxRetries: 0 }),
	model: "gpt-4o-mini",
});
export const noSleep = async () => {};

export async function injectLlmFault(kind: string, match: string, times = 1): Promise<void> {
	await fetch("http://openai.test/__openai/faults", { method: "POST", body: JSON.stringify({ kind, match, times }) });
}

export async function llmCalls(match: string): Promise<unknown[]> {
	return (await fetch(`http://openai.test/__openai/requests?match=${encodeURIComponent(match)}`)).json();
}

/** A conversation of `count` lines, each carrying `marker` so faults and counts can be scoped to it. */
export function conversation(marker: string, count = 12): Line[] {
	const topics = [
		"the release plan for Friday",
		"the staging database migration",
		"@carol can you rerun the index build",
		"the budget review next week",
	];
	return Array.from({ length: count }, (_, index) => ({
		index,
		messageIds: [String(10_000 + index)],
		authorId: `u${index % 4}`,
		author: ["alice", "bob", "carol", "dave"][index % 4],
		time: index * 60_000,
		text: `${marker} message ${index} about ${topics[index % 4]} with some more words to read`,
	}));
}
