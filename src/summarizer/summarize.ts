// Turns compacted lines into a Summary: with the LLM when a key is set and it answers, the extractive
// summarizer otherwise. What the LLM says is kept per span of messages (coverage.ts), so a range pays
// only for the messages no earlier range has summarized, and another style of it (a view: styles.ts)
// for none. The newest few of those are quoted as written instead of making a call for them (whether
// or not older ones need one), and the summary's Refresh button asks for them to be summarized too. When
// the LLM is unavailable, the spans still serve a range they mostly cover; otherwise the extractive
// summarizer stands in.
import type OpenAI from "openai";
import { summaryLanguage } from "../domain/job";
import { LLM_CALLS, type SpentBudget } from "../domain/limits";
import { type Line, messageCount } from "../domain/line";
import type { Style } from "../domain/styles";
import type { Span, Summary } from "../domain/summary";
import { IsolateCache } from "../lib/isolate-cache";
import { log } from "../lib/log";
import { retry, type Sleep } from "../lib/retry";
import { MINUTE_MS, SECOND_MS } from "../lib/time";
import { chunk } from "./chunk";
import { nameReplies, renderLine } from "./compact";
import { merge, NEWEST_UNSUMMARIZED, newestOnly, toSpan, uncovered, usable } from "./coverage";
import { extractive, links, participants } from "./extractive";
import { callModel, checkOutput, type LlmFailure, type LlmResult, LlmUnavailable, MAX_OUTPUT_TOKENS, systemPrompt } from "./llm";
import { view } from "./styles";
import { countTokens } from "./tokens";

/** Per call, and tries per call (1 s, then 2 s apart, with jitter): this stays far inside the interaction token's 15 minutes. */
const CALL_TIMEOUT_MS = MINUTE_MS;
const LLM_RETRY = { attempts: 3, baseMs: SECOND_MS };
/** Lines before a window that the model reads to follow it (about one exchange), not to summarize. */
const CONTEXT_LINES = 6;
/** The newest messages left unsummarized are shown as this many quotes at most. */
const NEWEST_POINTS = 3;

/** Where the LLM's spans are kept between requests (the guild Durable Object), per channel, language and model. */
export interface SpanStore {
	/** The kept spans that overlap the messages from `firstId` to `lastId`. */
	get(scope: string, firstId: string, lastId: string): Promise<Span[]>;
	put(scope: string, spans: Span[]): Promise<void>;
}

/** The daily LLM token budgets a job spends from (the guild's, and the bot's overall one). */
export interface TokenBudget {
	/** Sets `tokens` aside for a job's calls; the budget that can't take them, if one can't. */
	reserve(tokens: number): Promise<SpentBudget | null>;
	/** Settles a reservation of `reserved` tokens to what the calls cost. */
	settle(reserved: number, spent: number): Promise<void>;
}

export interface SummarizeDeps {
	llm: { client: OpenAI; model: string } | undefined;
	spans?: SpanStore;
	budget?: TokenBudget;
	sleep?: Sleep;
	timeoutMs?: number;
}

export interface SummaryAsk {
	guildId: string;
	channelId: string;
	style: Style;
	locale: string;
	/** Have the LLM summarize every message, the newest few too (the Refresh button, digests). */
	fresh?: boolean;
}

export interface Outcome {
	summary: Summary;
	/** Why the LLM did not read the whole range: the extractive summarizer, or kept spans and quotes, stood in. */
	fallback: LlmFailure | "no_key" | "breaker_open" | "budget" | null;
	/** The budget that left the LLM out, when `fallback` is "budget". */
	spentBudget?: SpentBudget;
	/** Earlier requests' spans covered the range: no call was made. */
	reused: boolean;
	/** The LLM's whole summary, of which `summary` is the style's view: every other style can be shown from it. */
	whole?: Summary;
}

// After repeated failures the LLM is left alone for a while, so jobs don't each wait out its timeouts.
// Failures of the service itself (unreachable, 5xx, 429, quota) pause it for every guild in the isolate;
// an answer that is invalid or cut short may be one guild's messages steering the model, and pauses that
// guild only, so a hostile message cannot switch the LLM off for everyone.
const BREAKER = { failures: 3, openMs: MINUTE_MS, quotaOpenMs: 10 * MINUTE_MS };
const SERVICE_FAILURES: ReadonlySet<LlmFailure> = new Set(["quota", "rate_limited", "server", "timeout"]);
interface Breaker {
	failures: number;
	openUntil: number;
}
const service: Breaker = { failures: 0, openUntil: 0 };
const guilds = new IsolateCache<Breaker>();

/** The breaker a failure of `reason` counts on: the service's, or `guildId`'s own. */
function breakerFor(reason: LlmFailure, guildId: string, now: number): Breaker {
	if (SERVICE_FAILURES.has(reason)) return service;
	const breaker = guilds.get(guildId, now) ?? { failures: 0, openUntil: 0 };
	guilds.put(guildId, breaker, now + BREAKER.openMs, now);
	return breaker;
}

function isOpen(guildId: string, now: number): boolean {
	return service.openUntil > now || (guilds.get(guildId, now)?.openUntil ?? 0) > now;
}

export async function summarize(lines: Line[], request: SummaryAsk, deps: SummarizeDeps, now = Date.now()): Promise<Outcome> {
	if (!deps.llm) return wholly(lines, request.style, "no_key");
	const { llm } = deps;
	const scope = `${request.channelId}:${summaryLanguage(request.locale)}:${llm.model}`;
	const kept = async () => usable(lines, (await deps.spans?.get(scope, lines[0].messageIds[0], lines.at(-1)!.messageIds.at(-1)!)) ?? []);
	const spans = await kept();
	let reason: Outcome["fallback"] = "breaker_open";
	if (!isOpen(request.guildId, now)) {
		try {
			const runs = uncovered(lines, spans);
			const newest = request.fresh ? undefined : newestOnly(lines, runs);
			const toRead = newest ? runs.slice(0, -1) : runs;
			const made = toRead.length ? await callsFor(lines, toRead, request, llm, deps, scope) : NOTHING_MADE;
			service.failures = 0;
			guilds.delete(request.guildId);
			return fromSpans(lines, request.style, llm.model, spans, made, newest, null);
		} catch (error) {
			// Refused before any call: the spans read above are still all there are.
			if (error instanceof OverBudget) return withoutLlm(lines, request.style, llm.model, spans, "budget", error.budget);
			if (!(error instanceof LlmUnavailable)) throw error;
			const breaker = breakerFor(error.reason, request.guildId, now);
			breaker.failures++;
			if (error.reason === "quota") breaker.openUntil = now + BREAKER.quotaOpenMs;
			else if (breaker.failures >= BREAKER.failures) breaker.openUntil = now + BREAKER.openMs;
			log({ event: "llm.fallback", reason: error.reason });
			reason = error.reason;
		}
	}
	return withoutLlm(lines, request.style, llm.model, await kept(), reason);
}

/**
 * With no call to be made, what the LLM said for earlier requests (and for this job's windows that
 * answered, hence asked again) still serves when it covers 90% of the range: the rest is quoted.
 * Otherwise the extractive summarizer stands in.
 */
function withoutLlm(
	lines: Line[],
	style: Style,
	model: string,
	latest: Span[],
	reason: NonNullable<Outcome["fallback"]>,
	spentBudget?: SpentBudget,
): Outcome {
	const runs = uncovered(lines, latest);
	const rest = runs.length === 0 ? [] : runs.length === 1 ? newestOnly(lines, runs, WHEN_UNAVAILABLE) : undefined;
	const outcome = rest
		? fromSpans(lines, style, model, latest, NOTHING_MADE, rest.length ? rest : undefined, reason)
		: wholly(lines, style, reason);
	return spentBudget ? { ...outcome, spentBudget } : outcome;
}

/** A daily token budget can't take the calls a job needs: it is made without them. */
class OverBudget extends Error {
	constructor(readonly budget: SpentBudget) {
		super("LLM token budget spent");
	}
}

/**
 * What one window's call may cost: the instructions, the window with its context, and the longest answer
 * allowed. Set aside before the calls, and settled to what they cost.
 */
function callEstimate(context: Line[], window: Line[], language: string, count: (text: string) => number): number {
	const conversation = [...context, ...window].reduce((sum, line) => sum + count(renderLine(line)) + 1, 0);
	return count(systemPrompt(language, window[0].index)) + conversation + MAX_OUTPUT_TOKENS;
}

/**
 * The same summary in another style: a view of the LLM's whole summary, or the extractive summarizer's
 * pick for that style (a few milliseconds per hundred lines).
 */
export function inStyle(outcome: Outcome, lines: Line[], style: Style): Summary {
	return outcome.whole ? view(outcome.whole, style) : extractive(lines, { style });
}

/** What a job's calls made: spans, and the tokens they cost. */
interface Made {
	spans: Span[];
	usage: LlmResult["usage"];
}

const NOTHING_MADE: Made = { spans: [], usage: { tokensIn: 0, tokensOut: 0 } };
/**
 * With the LLM unavailable, kept spans are shown when they leave at most the newest tenth of the range
 * unsummarized, however many messages that is.
 */
const WHEN_UNAVAILABLE = { share: NEWEST_UNSUMMARIZED.share, max: Number.POSITIVE_INFINITY };

/** The extractive summarizer's summary of the whole range. */
function wholly(lines: Line[], style: Style, reason: NonNullable<Outcome["fallback"]>): Outcome {
	return { summary: extractive(lines, { style }), fallback: reason, reused: false };
}

/** The range's summary from the spans kept and made, with its `newest` lines quoted when no span covers them. */
function fromSpans(
	lines: Line[],
	style: Style,
	model: string,
	kept: Span[],
	made: Made,
	newest: Line[] | undefined,
	fallback: Outcome["fallback"],
): Outcome {
	let quoted: Summary["newest"];
	if (newest) {
		// Quoted with the names of whom they answer, as people read them: the extractive summarizer names
		// replies to the lines it is given, and these answer lines before them.
		const authorAt = new Map(lines.map((line) => [line.index, line.author]));
		const readable = newest.map((line) => ({ ...line, text: nameReplies(line.text, authorAt) }));
		quoted = { messages: messageCount(newest), points: extractive(readable, { style: "brief", maxPoints: NEWEST_POINTS }).points };
	}
	const whole: Summary = {
		...merge(lines, [...kept, ...made.spans]),
		usage: made.usage,
		model,
		participants: participants(lines),
		links: links(lines),
		...(quoted ? { newest: quoted } : {}),
	};
	return { summary: view(whole, style), fallback, reused: !made.spans.length, whole };
}

/**
 * A call for each window of the runs no span covers, read after a few lines of context; the spans they
 * make are kept, also when another window fails (the job's retry then pays only for the rest).
 */
async function callsFor(
	lines: Line[],
	runs: Line[][],
	request: SummaryAsk,
	llm: { client: OpenAI; model: string },
	deps: SummarizeDeps,
	scope: string,
): Promise<Made> {
	const authorAt = new Map(lines.map((line) => [line.index, line.author]));
	const options = { model: llm.model, language: request.locale, timeoutMs: deps.timeoutMs ?? CALL_TIMEOUT_MS };
	const contextOf = (window: Line[]) => {
		const start = lines.indexOf(window[0]);
		return lines.slice(Math.max(0, start - CONTEXT_LINES), start);
	};
	// Each line's tokens are counted once, for the windows and for the estimates.
	const counted = new Map<string, number>();
	const count = (text: string) => {
		const known = counted.get(text);
		if (known !== undefined) return known;
		const tokens = countTokens(text);
		counted.set(text, tokens);
		return tokens;
	};
	const call = async (window: Line[]) => {
		const context = contextOf(window);
		// The model reads a window alone: a reply to a line it can't see names whom it answers.
		const shown = new Set([...context, ...window].map((line) => line.index));
		const readable = (some: Line[]) =>
			some.map((line) => ({ ...line, text: nameReplies(line.text, authorAt, (index) => shown.has(index)) }));
		const result = await callWithRetries(llm.client, readable(context), readable(window), options, deps.sleep);
		return { span: toSpan(result, window), usage: result.usage };
	};
	const windows = runs.flatMap((run) => chunk(run, LLM_CALLS.windowTokens, count));
	const estimates = windows.map((window) => callEstimate(contextOf(window), window, request.locale, count));
	const reserved = estimates.reduce((sum, tokens) => sum + tokens, 0);
	const spent = await deps.budget?.reserve(reserved);
	if (spent) throw new OverBudget(spent);
	const settled = await mapLimited(windows, LLM_CALLS.parallel, (window) =>
		call(window).then(
			(done) => ({ done }),
			(error: unknown) => ({ error }),
		),
	);
	// A call that failed may still have been billed: its estimate stays spent.
	const cost = settled.reduce(
		(sum, result, i) => sum + ("done" in result ? result.done.usage.tokensIn + result.done.usage.tokensOut : estimates[i]),
		0,
	);
	await deps.budget?.settle(reserved, cost);
	const made = settled.flatMap((result) => ("done" in result ? [result.done] : []));
	if (made.length)
		await deps.spans?.put(
			scope,
			made.map(({ span }) => span),
		);
	const failure = settled.find((result) => "error" in result);
	if (failure) throw failure.error;
	const usage = made.reduce(
		(sum, { usage }) => ({ tokensIn: sum.tokensIn + usage.tokensIn, tokensOut: sum.tokensOut + usage.tokensOut }),
		NOTHING_MADE.usage,
	);
	return { spans: made.map(({ span }) => span), usage };
}

/**
 * One call for `lines`, read after `context`, retried when the LLM failed for a while; an answer cut short
 * is asked again as two halves.
 */
async function callWithRetries(
	client: OpenAI,
	context: Line[],
	lines: Line[],
	options: Parameters<typeof callModel>[2],
	sleep?: Sleep,
): Promise<LlmResult> {
	const once = async () => {
		const rendered = [...context, ...lines].map(renderLine).join("\n");
		const { raw, usage } = await callModel(client, rendered, { ...options, firstLine: context.length ? lines[0].index : undefined });
		return { ...checkOutput(raw, lines), usage };
	};
	try {
		return await retry(once, { ...LLM_RETRY, retryable: transient, sleep });
	} catch (error) {
		if (!(error instanceof LlmUnavailable && error.reason === "truncated" && lines.length > 1)) throw error;
		const half = Math.ceil(lines.length / 2);
		const [first, second] = await Promise.all([
			callWithRetries(client, context, lines.slice(0, half), options, sleep),
			callWithRetries(client, lines.slice(Math.max(0, half - CONTEXT_LINES), half), lines.slice(half), options, sleep),
		]);
		return {
			points: [...first.points, ...second.points],
			actionItems: [...first.actionItems, ...second.actionItems],
			usage: { tokensIn: first.usage.tokensIn + second.usage.tokensIn, tokensOut: first.usage.tokensOut + second.usage.tokensOut },
		};
	}
}

/** Worth another call: neither a spent quota (it won't come back soon) nor a truncated answer (the same again). */
function transient(error: unknown): boolean {
	return error instanceof LlmUnavailable && error.reason !== "quota" && error.reason !== "truncated";
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
