// What the benchmarks check in the summaries members received, beside their cost: how much of its range
// an LLM summary rests on the LLM's reading of (the rest is quoted as "Newest N messages"), whether it
// has any points, whether it is of exactly the range asked for, and what a naive bot (no cache, each
// request's whole range sent as `author: content`) would have spent on the same requests.
import type { APIEmbed, APIMessage } from "discord-api-types/v10";
import type { Range } from "../src/domain/job.ts";
import { messageCount } from "../src/domain/line.ts";
import { compact, naiveRender } from "../src/summarizer/compact.ts";
import { bounds } from "../src/summarizer/history.ts";
import { countTokens } from "../src/summarizer/tokens.ts";
import { isExtractive } from "./deliveries.ts";

/** A summary as src/discord/render.ts shows it. */
export interface Shown {
	llm: boolean;
	/** Messages in its range (the description's intro: "<#channel> · 1,234 messages"). */
	messages: number;
	/** Its newest messages, quoted rather than read by the LLM. */
	quoted: number;
	/** Its points and action items, the quotes left out. */
	points: number;
}

const count = (digits: string | undefined) => Number((digits ?? "0").replaceAll(",", ""));

/** What a summary's embeds say of it; undefined for a message that is no summary. */
export function readSummary(embeds: APIEmbed[]): Shown | undefined {
	const text = embeds.map((embed) => embed.description ?? "").join("\n");
	const messages = text.match(/^<#\d+> · ([\d,]+) messages?/)?.[1];
	if (messages === undefined) return undefined;
	const newest = text.search(/\*\*Newest [\d,]+ messages?\*\*, not summarized yet/);
	const body = newest === -1 ? text : text.slice(0, newest);
	return {
		llm: !isExtractive(embeds),
		messages: count(messages),
		quoted: newest === -1 ? 0 : count(text.slice(newest).match(/[\d,]+/)?.[0]),
		points: body.split("\n").filter((line) => /^(?:• |☐ )/.test(line)).length,
	};
}

/** The messages of `range` as the bot reads them (src/summarizer/history.ts), in `history` (oldest first) as it was at `at`. */
export function exactRange(history: APIMessage[], range: Range, at: number): APIMessage[] {
	const { start, end, cap } = bounds(range, at);
	const inside = history.filter((message) => BigInt(message.id) >= start && BigInt(message.id) < end);
	return inside.slice(Math.max(0, inside.length - cap));
}

/** A request as the benchmark saw it: the channel's messages when it was sent, oldest first, and its range. */
export interface Asked {
	history: APIMessage[];
	range: Range;
	at: number;
}

/** Counts over whole ranges, remembered: many requests share a range. */
function memo(measure: (messages: APIMessage[]) => number) {
	const known = new Map<string, number>();
	return (messages: APIMessage[]) => {
		const key = `${messages[0]?.channel_id}:${messages[0]?.id}:${messages.at(-1)?.id}:${messages.length}`;
		if (!known.has(key)) known.set(key, messages.length ? measure(messages) : 0);
		return known.get(key)!;
	};
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number) => Number(value.toFixed(3));

/**
 * `answered`: every answered request, with the summary it got (none for a refusal). `made`: each summary
 * a job made, with the messages it summarized (D1's first and last ids; those who joined the job or hit
 * the cache got copies). Coverage is of the human messages a range holds, as src/summarizer/coverage.ts
 * counts them.
 */
export function summaryQuality(answered: { asked: Asked; shown?: Shown }[], made: { shown: Shown; range: APIMessage[] }[]) {
	const naiveTokens = memo((messages) => countTokens(naiveRender(messages)));
	const human = memo((messages) => messageCount(compact(messages)));
	const llm = answered.filter((entry): entry is { asked: Asked; shown: Shown } => entry.shown?.llm === true);
	const byLlm = made.filter(({ shown }) => shown.llm);
	const humans = byLlm.map(({ range }) => human(range));
	const coverage = byLlm.map(({ shown }, i) => 1 - shown.quoted / Math.max(1, humans[i]));
	const quoted = byLlm.reduce((sum, { shown }) => sum + shown.quoted, 0);
	const read = humans.reduce((sum, n) => sum + n, 0);
	const naive = answered.reduce((sum, { asked }) => sum + naiveTokens(exactRange(asked.history, asked.range, asked.at)), 0);
	return {
		llm_summaries: llm.length,
		llm_summaries_made: byLlm.length,
		coverage_min: byLlm.length ? round(Math.min(...coverage)) : null,
		coverage_median: byLlm.length ? round(median(coverage)) : null,
		summaries_made_quoting: byLlm.filter(({ shown }) => shown.quoted).length,
		quoted_share_of_messages: round(quoted / Math.max(1, read)),
		empty_summaries: llm.filter(({ shown }) => !shown.points).length,
		/** Summaries (LLM or not) of another number of messages than their range held when asked: should be none. */
		inexact_summaries: answered.filter(
			({ asked, shown }) => shown && shown.messages !== exactRange(asked.history, asked.range, asked.at).length,
		).length,
		naive_tokens_per_answered_request: Math.round(naive / Math.max(1, answered.length)),
	};
}
