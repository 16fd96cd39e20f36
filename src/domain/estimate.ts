// What a large range will take before it is run: the estimate a member sees with Summarize and Cancel.
// It rests on measurements, named here, not on the channel (which has not been read yet): a real
// channel's messages may be longer or shorter than the benchmarks' generated ones.
import { LLM_CALLS } from "./limits";

/** A range over this many messages is confirmed before it runs, unless the cache answers it. */
export const CONFIRM_OVER_MESSAGES = 2000;

export const ESTIMATE_BASIS = {
	/** Tokens per message once compacted: `npm run bench:compaction`, 2026-12-02, 14,165 per 1,000. */
	tokensPerMessage: 15,
	/** The instructions each call carries (summarizer/llm.ts's system prompt, ~450 tokens). */
	promptTokensPerCall: 450,
	/** A typical answer: up to 12 points and the action items. */
	answerTokensPerCall: 500,
	/** Reading and compacting: `npm run bench:pipeline` reads 10,000 messages in about 5 s. */
	readMsPerMessage: 0.5,
	/** One call's time for a full window, as gpt-4o-mini answers. */
	msPerCall: 10_000,
};

export interface Estimate {
	messages: number;
	/** 0 without an LLM: the extractive summarizer buys no tokens. */
	tokensIn: number;
	tokensOut: number;
	seconds: number;
}

/** What summarizing `messages` messages takes, with the LLM (`llm`) or the extractive summarizer alone. */
export function estimateRun(messages: number, llm: boolean): Estimate {
	const read = messages * ESTIMATE_BASIS.readMsPerMessage;
	if (!llm) return { messages, tokensIn: 0, tokensOut: 0, seconds: Math.ceil(read / 1000) };
	const conversation = messages * ESTIMATE_BASIS.tokensPerMessage;
	const calls = Math.max(1, Math.ceil(conversation / LLM_CALLS.windowTokens));
	const rounds = Math.ceil(calls / LLM_CALLS.parallel);
	return {
		messages,
		tokensIn: conversation + calls * ESTIMATE_BASIS.promptTokensPerCall,
		tokensOut: calls * ESTIMATE_BASIS.answerTokensPerCall,
		seconds: Math.ceil((read + rounds * ESTIMATE_BASIS.msPerCall) / 1000),
	};
}

/**
 * How many messages a time range from `since` to `until` (ms) holds, at most `cap`, judged by its newest
 * page (`page`, newest first, of at most `pageSize`): the whole range, at that page's pace.
 */
export function messagesByPace(page: { time: number }[], pageSize: number, since: number, until: number, cap: number): number {
	const within = page.filter((message) => message.time >= since);
	// The page holds the range's start, or all the channel has: the range is what it holds.
	if (within.length < page.length || page.length < pageSize) return Math.min(cap, within.length);
	const oldest = page.at(-1)!.time;
	const spanMs = Math.max(1, until - oldest);
	return Math.min(cap, Math.round((page.length * (until - since)) / spanMs));
}
