// Turns compacted lines into a Summary: map-reduce over chunks with the LLM when a key is set and the
// LLM answers, the extractive summarizer otherwise. The LLM's results are kept per window of messages
// and for the whole range, so a later request that overlaps this one reuses them, and one for the same
// messages in another style (a view of the same summary: styles.ts) needs no call at all.
import type OpenAI from "openai";
import type { Style } from "../discord/commands";
import { chunk, windowKey } from "./chunk";
import { nameReplies, renderLine } from "./compact";
import { extractive, links, participants } from "./extractive";
import type { Line } from "./line";
import { callModel, checkOutput, LlmUnavailable, type LlmFailure, type LlmResult } from "./llm";
import { summaryLanguage } from "./job";
import { view } from "./styles";
import type { ActionItem, Cited, Summary } from "./summary";

/** Tokens of conversation per LLM call: well inside any current model's context, small enough to run chunks in parallel. */
export const CHUNK_TOKENS = 12_000;
const PARALLEL_CALLS = 4;
/** Per call, and tries per call: with backoff this stays far inside the interaction token's 15 minutes. */
const CALL_TIMEOUT_MS = 60_000;
const ATTEMPTS = 3;

/** Where map results are kept between requests (the guild Durable Object), as JSON. */
export interface Partials {
	get(keys: string[]): Promise<Map<string, string>>;
	put(entries: Map<string, string>): Promise<void>;
}

export interface SummarizeDeps {
	llm: { client: OpenAI; model: string } | undefined;
	partials?: Partials;
	sleep?: (ms: number) => Promise<void>;
	timeoutMs?: number;
}

export interface Outcome {
	summary: Summary;
	/** Why the extractive summarizer stood in for the LLM, when it did. */
	fallback: LlmFailure | "no_key" | "breaker_open" | null;
	/** The LLM's summary of exactly these messages was kept from an earlier request: no call was made. */
	reused: boolean;
	/** The LLM's whole summary, of which `summary` is the style's view: every other style can be shown from it. */
	whole?: Summary;
}

// After repeated failures the LLM is left alone for a while, so jobs don't each wait out its timeouts.
const breaker = { failures: 0, openUntil: 0 };
const BREAKER = { failures: 3, openMs: 60_000, quotaOpenMs: 10 * 60_000 };

export async function summarize(lines: Line[], request: { style: Style; locale: string }, deps: SummarizeDeps, now = Date.now()): Promise<Outcome> {
	const fallback = (reason: Outcome["fallback"]): Outcome => ({ summary: extractive(lines, { style: request.style }), fallback: reason, reused: false });
	if (!deps.llm) return fallback("no_key");
	if (breaker.openUntil > now) return fallback("breaker_open");
	try {
		const { reused, ...result } = await mapReduce(lines, request.locale, deps.llm, deps);
		breaker.failures = 0;
		const whole = { ...result, model: deps.llm.model, participants: participants(lines), links: links(lines) };
		return { summary: view(whole, request.style), fallback: null, reused, whole };
	} catch (error) {
		if (!(error instanceof LlmUnavailable)) throw error;
		breaker.failures++;
		if (error.reason === "quota") breaker.openUntil = now + BREAKER.quotaOpenMs;
		else if (breaker.failures >= BREAKER.failures) breaker.openUntil = now + BREAKER.openMs;
		console.error(JSON.stringify({ event: "llm.fallback", reason: error.reason }));
		return fallback(error.reason);
	}
}

/**
 * The same summary in another style: a view of the LLM's whole summary, or the extractive summarizer's
 * pick for that style (a few milliseconds per hundred lines).
 */
export function inStyle(outcome: Outcome, lines: Line[], style: Style): Summary {
	return outcome.whole ? view(outcome.whole, style) : extractive(lines, { style });
}

async function mapReduce(lines: Line[], locale: string, llm: { client: OpenAI; model: string }, deps: SummarizeDeps): Promise<LlmResult & { reused: boolean }> {
	const options = { model: llm.model, language: locale, timeoutMs: deps.timeoutMs ?? CALL_TIMEOUT_MS };
	const call = (chunkLines: Line[]) => callWithRetries(llm.client, chunkLines, options, deps.sleep);
	const keyOf = (window: Line[]) => `${windowKey(window)}:${summaryLanguage(locale)}:${llm.model}`;
	const chunks = chunk(lines, CHUNK_TOKENS);
	const whole = keyOf(lines);
	const keys = chunks.length > 1 ? [whole, ...chunks.map(keyOf)] : [whole];
	const known = (await deps.partials?.get(keys)) ?? new Map<string, string>();
	const kept = known.get(whole);
	if (kept) return { ...fromStored(kept, lines), reused: true };

	const made = new Map<string, string>();
	let result: LlmResult;
	if (chunks.length <= 1) result = await call(lines);
	else {
		const authorAt = new Map(lines.map((line) => [line.index, line.author]));
		const partials = await mapLimited(chunks, PARALLEL_CALLS, async (window) => {
			const stored = known.get(keyOf(window));
			if (stored) return fromStored(stored, window);
			// The model reads a chunk alone: a reply to a line in another chunk names whom it answers.
			const inside = new Set(window.map((line) => line.index));
			const partial = await call(window.map((line) => ({ ...line, text: nameReplies(line.text, authorAt, (index) => inside.has(index)) })));
			made.set(keyOf(window), toStored(partial, window));
			return partial;
		});
		result = await reduce(partials, call);
	}
	made.set(whole, toStored(result, lines));
	await deps.partials?.put(made);
	return { ...result, reused: false };
}

/**
 * Merges the chunks' points with one more call. Each partial point becomes a numbered line, so the
 * model cites partial points, which map back to the lines they cited.
 */
async function reduce(partials: LlmResult[], call: (lines: Line[]) => Promise<LlmResult>): Promise<LlmResult> {
	const notes = partials.flatMap((partial) => [...partial.points, ...partial.actionItems]);
	const noteLines: Line[] = notes.map((note, index) => ({
		index,
		messageIds: [],
		authorId: "notes",
		author: "owner" in note && note.owner ? `notes (owner ${note.owner})` : "notes",
		time: 0,
		text: note.text,
	}));
	const merged = await call(noteLines);
	const sourcesOf = (cited: number[]) => [...new Set(cited.flatMap((k) => notes[k]?.sources ?? []))].sort((a, b) => a - b);
	const usage = [...partials, merged].reduce((sum, part) => ({ tokensIn: sum.tokensIn + part.usage.tokensIn, tokensOut: sum.tokensOut + part.usage.tokensOut }), { tokensIn: 0, tokensOut: 0 });
	return {
		points: merged.points.map((point) => ({ ...point, sources: sourcesOf(point.sources) })),
		actionItems: merged.actionItems.map((item) => ({ ...item, sources: sourcesOf(item.sources) })),
		usage,
	};
}

// Line numbers differ between requests, so stored results cite messages (a line's first message id).
function toStored(partial: LlmResult, window: Line[]): string {
	const ids = new Map(window.map((line) => [line.index, line.messageIds[0]]));
	const cite = <T extends Cited>(item: T) => ({ ...item, sources: item.sources.map((source) => ids.get(source)) });
	return JSON.stringify({ points: partial.points.map(cite), actionItems: partial.actionItems.map(cite) });
}

function fromStored(stored: string, window: Line[]): LlmResult {
	const indices = new Map(window.map((line) => [line.messageIds[0], line.index]));
	const parsed = JSON.parse(stored) as { points: (Cited & { sources: string[] })[]; actionItems: (ActionItem & { sources: string[] })[] };
	const cite = <T extends { sources: string[] }>(item: T) => ({ ...item, sources: item.sources.flatMap((id) => indices.get(id) ?? []) });
	return { points: parsed.points.map(cite), actionItems: parsed.actionItems.map(cite), usage: { tokensIn: 0, tokensOut: 0 } };
}

async function callWithRetries(client: OpenAI, lines: Line[], options: Parameters<typeof callModel>[2], sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<LlmResult> {
	for (let attempt = 1; ; attempt++) {
		try {
			const { raw, usage } = await callModel(client, lines.map(renderLine).join("\n"), options);
			return { ...checkOutput(raw, lines), usage };
		} catch (error) {
			if (!(error instanceof LlmUnavailable)) throw error;
			// An answer cut short: the same lines in two halves fit.
			if (error.reason === "truncated" && lines.length > 1) {
				const half = Math.ceil(lines.length / 2);
				const [first, second] = await Promise.all([lines.slice(0, half), lines.slice(half)].map((part) => callWithRetries(client, part, options, sleep)));
				return {
					points: [...first.points, ...second.points],
					actionItems: [...first.actionItems, ...second.actionItems],
					usage: { tokensIn: first.usage.tokensIn + second.usage.tokensIn, tokensOut: first.usage.tokensOut + second.usage.tokensOut },
				};
			}
			if (error.reason === "quota" || error.reason === "truncated" || attempt >= ATTEMPTS) throw error;
			await sleep(1000 * 2 ** (attempt - 1) * (0.5 + Math.random()));
		}
	}
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) {
				const index = next++;
				results[index] = await work(items[index], index);
			}
		}),
	);
	return results;
}
