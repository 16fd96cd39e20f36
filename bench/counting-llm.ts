// The OpenAI stand-in on a loopback port, counting what the bot asks of it: calls, and tokens in and out
// as the real API would bill them (the bot's own tokenizer), since the stand-in's usage figures are rough.
import { countTokens } from "../src/summarizer/tokens.ts";
import { createOpenAIFake } from "../test/stand-ins/openai-fake.ts";
import { type Served, serve } from "../test/stand-ins/serve.ts";

export const FAKE_OPENAI_KEY = "sk-bench-fake";

export interface LlmCounts {
	calls: number;
	failed: number;
	tokensIn: number;
	tokensOut: number;
}

export interface CountingLlm extends Served {
	url: string;
	counts(): LlmCounts;
	/** Injects a fault of the stand-in (see openai-fake.ts). */
	fault(fault: { kind: string; times: number; match?: string }): Promise<void>;
	clearFaults(): Promise<void>;
}

export async function serveCountingLlm(): Promise<CountingLlm> {
	const fake = createOpenAIFake({ apiKey: FAKE_OPENAI_KEY });
	const counts: LlmCounts = { calls: 0, failed: 0, tokensIn: 0, tokensOut: 0 };
	const served = await serve({
		async fetch(request) {
			if (!new URL(request.url).pathname.endsWith("/chat/completions")) return fake.fetch(request);
			const body = (await request.clone().json()) as { messages: { content: string }[] };
			counts.calls++;
			counts.tokensIn += body.messages.reduce((sum, message) => sum + countTokens(message.content), 0);
			const response = await fake.fetch(request);
			if (!response.ok) {
				counts.failed++;
				return response;
			}
			const answer = (await response.clone().json()) as { choices: { message: { content: string } }[] };
			counts.tokensOut += countTokens(answer.choices[0].message.content);
			return response;
		},
	});
	const url = `http://127.0.0.1:${served.port}`;
	return {
		...served,
		url,
		counts: () => ({ ...counts }),
		fault: async (fault) => {
			await fetch(`${url}/__openai/faults`, { method: "POST", body: JSON.stringify(fault) });
		},
		clearFaults: async () => {
			await fetch(`${url}/__openai/faults`, { method: "DELETE" });
		},
	};
}
