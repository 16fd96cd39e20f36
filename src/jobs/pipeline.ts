// What a queue job makes, whatever it is for: the range's history read from Discord, compacted without
// opted-out members, summarized (LLM or extractive, with the guild's kept spans), and rendered to
// Discord's limits in the job's style, and in the other styles for the cache. Delivery is the job's own.
import type { APIMessage } from "discord-api-types/v10";
import { drizzle } from "drizzle-orm/d1";
import OpenAI from "openai";
import { jobBudget } from "../db/llm-budget";
import { optedOutMembers } from "../db/opt-outs";
import type { SummaryRow } from "../db/schema";
import { summaryButtons } from "../discord/buttons";
import { errorMessage, messageLink, type RenderedMessage, rangeLabel, render } from "../discord/render";
import { DiscordError, type DiscordRest, restFor } from "../discord/rest";
import type { WebhookMessage } from "../discord/webhooks";
import { CONFIRM_OVER_MESSAGES, type Estimate, estimateRun, messagesByPace } from "../domain/estimate";
import { mayNeedConfirmation, type ResolvedRange, type SummaryJob } from "../domain/job";
import type { Line } from "../domain/line";
import { messageCount } from "../domain/line";
import { snowflakeAt, timeOf } from "../domain/snowflake";
import { STYLES, type Style } from "../domain/styles";
import type { Summary } from "../domain/summary";
import { guildObject } from "../guild/client";
import { thousands } from "../lib/numbers";
import { MINUTE_S, SECOND_MS } from "../lib/time";
import { estimateCostMicroUsd } from "../metrics/cost";
import { readCatchUp } from "../summarizer/catch-up";
import { compact } from "../summarizer/compact";
import { bounds, fetchHistory, PAGE } from "../summarizer/history";
import { roleNames } from "../summarizer/role-names";
import { inStyle, type Outcome, summarize } from "../summarizer/summarize";

/** The pace of reading says how long the rest takes once it has been measured this long. */
const PROGRESS_PACE_AFTER_MS = 2 * SECOND_MS;

/** Up to this many lines, an extractive summary is also made in the other styles, for the cache. */
const EXTRACTIVE_VIEWS_MAX_LINES = 1000;

/** What the pipeline needs of a job: a summary request, its id, and the moment its range ends. */
export type Work = Pick<
	SummaryJob,
	| "guildId"
	| "channelId"
	| "origin"
	| "userId"
	| "range"
	| "style"
	| "locale"
	| "public"
	| "fresh"
	| "interactionId"
	| "requestedAt"
	| "admittedAt"
	| "lastMessageId"
	| "threadMembersOnly"
>;

/** Shows how a long job is getting on; a job nobody watches passes SILENT. */
export interface Progress {
	report(content: string): void;
	/** Waits for the reports under way, so none lands after the result. */
	settled(): Promise<void>;
}

export const SILENT: Progress = { report: () => undefined, settled: () => Promise.resolve() };

export interface Result {
	messages: WebhookMessage[];
	summary?: RenderedMessage;
	/** The same summary in the other styles that fit one message, for the guild's cache. */
	views?: { style: Style; summary: RenderedMessage }[];
	outcome?: Outcome;
	/** Discord's refusal to read the channel (403, 404), when that is why there is no summary. */
	denied?: { status: number; code?: number };
	/** Kept as JSON between deliveries, so without its creation time (a Date). */
	history?: Omit<SummaryRow, "createdAt">;
	/** The range summarized, when it is not the job's: a catch-up's, its start found. */
	range?: ResolvedRange;
	/** A catch-up's range is being summarized by another run, which answers this job's members too. */
	handedOver?: boolean;
	/** A time range found large by its newest page: its estimate, shown with Summarize and Cancel instead. */
	estimate?: Estimate;
}

/** What a job read: its range's messages; for a catch-up, the range its start resolved to. */
interface Read {
	messages: APIMessage[];
	range: ResolvedRange;
}

/**
 * For a catch-up: told the range once its start is found, before anything is summarized; "joined" when
 * another run makes that summary and answers this job's members too (guild-object.ts's `follow`).
 */
export type Follow = (range: ResolvedRange) => Promise<"joined" | "lead">;

/** Discord's refusals the member should hear about now, instead of a retry. */
const REFUSALS: Record<number, string> = {
	403: "I can't read that channel: I need **View Channel** and **Read Message History** there.",
	404: "I couldn't find that channel or message any more.",
};

const NOT_IN_THREAD = "You can't summarize that private thread: only its members can. Ask someone in it to add you.";

/**
 * "Reading messages… n / m", and once the pace is known, about how long the rest takes: when Discord's
 * budget is shared by many guilds, reading slows, and the member learns when to expect the summary.
 */
export function readingProgress(fetched: number, expected: number, elapsedMs: number): string {
	const counts = `Reading messages… ${thousands(fetched)} / ${thousands(expected)}`;
	if (fetched <= 0 || expected <= fetched || elapsedMs < PROGRESS_PACE_AFTER_MS) return counts;
	const seconds = ((expected - fetched) * elapsedMs) / fetched / SECOND_MS;
	const left = seconds < MINUTE_S ? `${Math.max(5, Math.ceil(seconds / 5) * 5)} s` : `${Math.ceil(seconds / MINUTE_S)} min`;
	return `${counts} (about ${left} more)`;
}

/** Whether the member who asked is in the private thread: a look-up before anything of it is read. */
async function isThreadMember(get: Get, job: Pick<Work, "channelId" | "userId">): Promise<boolean> {
	try {
		await get(`/channels/${job.channelId}/thread-members/${job.userId}`);
		return true;
	} catch (error) {
		if (error instanceof DiscordError && error.status === 404) return false;
		throw error;
	}
}

/** The model summaries are made with, or none (the extractive summarizer) when no key is set. */
export function llmModel(env: Env): string | undefined {
	return env.OPENAI_API_KEY ? env.OPENAI_MODEL : undefined;
}

function llmFor(env: Env) {
	const model = llmModel(env);
	if (model === undefined) return undefined;
	return { client: new OpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, maxRetries: 0 }), model };
}

/**
 * `run`: when the job started, and the guild object's generation then (spans kept carry it). `otherStyles`:
 * also render the summary in the other styles, for the guild's cache (an interaction's job); `follow`: a
 * catch-up's range, once found, may be another run's (see Follow).
 */
export async function makeSummary(
	job: Work,
	env: Env,
	run: { startedAt: number; generation: number },
	progress: Progress,
	{ otherStyles = false, follow, confirm = false }: { otherStyles?: boolean; follow?: Follow; confirm?: boolean } = {},
): Promise<Result> {
	const { startedAt } = run;
	const get = readsFor(restFor(env), job.guildId);
	const db = drizzle(env.DB);
	if (job.threadMembersOnly && !(await isThreadMember(get, job))) {
		await progress.settled();
		return { messages: errorMessage(NOT_IN_THREAD) };
	}
	let read: Read;
	try {
		// A member's large time range is confirmed before it is read whole (`confirm`: not for digests).
		const estimate = confirm ? await largeRange(job, get, llmModel(env)) : undefined;
		if (estimate) {
			await progress.settled();
			return { messages: [], estimate };
		}
		read = await readRange(job, get, progress);
	} catch (error) {
		const refusal = error instanceof DiscordError ? REFUSALS[error.status] : undefined;
		if (!refusal || !(error instanceof DiscordError)) throw error;
		await progress.settled();
		return { messages: errorMessage(refusal), denied: { status: error.status, code: error.code } };
	}
	const { messages } = read;
	if (job.range.kind === "catchup" && !messages.length) {
		await progress.settled();
		return { messages: errorMessage(nothingNew(job, read.range)) };
	}
	if (follow && (await follow(read.range)) === "joined") {
		await progress.settled();
		return { messages: [], handedOver: true };
	}
	const work = { ...job, range: read.range };
	const [excludedUserIds, roles] = await Promise.all([optedOutMembers(db, job.guildId), roleNames(job.guildId, messages, get)]);
	const lines = compact(messages, { excludedUserIds, names: { roles } });
	if (!lines.length) {
		await progress.settled();
		return { messages: errorMessage("There is nothing to summarize in that range: no messages from members I can include.") };
	}
	progress.report(`Summarizing ${thousands(messageCount(lines))} messages…`);
	const guild = guildObject(env, job.guildId);
	const outcome = await summarize(lines, work, {
		llm: llmFor(env),
		budget: jobBudget(db, job.guildId, env.LLM_TOKENS_PER_DAY, startedAt),
		spans: {
			get: (scope, firstId, lastId) => guild.spans(scope, firstId, lastId),
			put: (scope, spans) => guild.putSpans(scope, spans, run.generation),
		},
	});
	const elapsedMs = Date.now() - startedAt;
	const renderAs = (summary: Summary, style: Style) =>
		render(summary, {
			guildId: job.guildId,
			channelId: job.channelId,
			rangeLabel: rangeLabel(work.range),
			messageCount: messages.length,
			after: work.range.kind === "after" ? work.range.messageId : undefined,
			lines,
			style,
			components: summaryButtons({ ...work, style, refreshable: summary.newest !== undefined, model: summary.model }),
			spentBudget: outcome.spentBudget,
			footer: { model: summary.model, tokens: summary.usage.tokensIn + summary.usage.tokensOut, elapsedMs, cached: outcome.reused },
		});
	const rendered = renderAs(outcome.summary, job.style);
	const views = otherStyles ? otherViews(job.style, outcome, lines, renderAs) : [];
	await progress.settled();
	return {
		messages: rendered,
		summary: rendered[0],
		views,
		outcome: { ...outcome, whole: undefined },
		history: historyRow(work, messages, outcome, elapsedMs),
		...(work.range === job.range ? {} : { range: work.range }),
	};
}

type Get = <T>(path: string) => Promise<T>;

/**
 * A job's reads of history: each names its guild (the bot's Discord budget is shared fairly between
 * guilds), and a page read twice (the newest, by the size check and then the reader) is fetched once.
 */
function readsFor(client: DiscordRest, guild: string): Get {
	const pages = new Map<string, Promise<unknown>>();
	return <T>(path: string) => {
		let page = pages.get(path);
		if (!page) {
			page = client.get<T>(path, { guild });
			pages.set(path, page);
			page.catch(() => pages.delete(path));
		}
		return page as Promise<T>;
	};
}

/** The job's messages; a catch-up's are read back to its start, which resolves its range. */
async function readRange(job: Work, get: Get, progress: Progress): Promise<Read> {
	if (job.range.kind === "catchup") {
		return readCatchUp(job.channelId, job.range, job.requestedAt, {
			get,
			newestId: job.lastMessageId,
			onProgress: (read) => progress.report(`Reading messages… ${thousands(read)} so far, back to your last message`),
		});
	}
	const readingFrom = Date.now();
	const messages = await fetchHistory(job.channelId, job.range, job.requestedAt, {
		get,
		newestId: job.lastMessageId,
		onProgress: (fetched, expected) => progress.report(readingProgress(fetched, expected, Date.now() - readingFrom)),
	});
	return { messages, range: job.range };
}

/**
 * A time range's size as its newest page shows it, nothing more read: its estimate when it is over
 * CONFIRM_OVER_MESSAGES and not confirmed yet.
 */
async function largeRange(job: Work, get: Get, model: string | undefined): Promise<Estimate | undefined> {
	if (!mayNeedConfirmation(job)) return undefined;
	const { start, end, cap } = bounds(job.range, job.requestedAt, job.lastMessageId);
	const page = await get<APIMessage[]>(`/channels/${job.channelId}/messages?limit=${PAGE}&before=${end}`);
	const times = page.map((message) => ({ time: timeOf(message.id) }));
	const messages = messagesByPace(times, PAGE, timeOf(start), timeOf(end - 1n), cap);
	return messages > CONFIRM_OVER_MESSAGES ? estimateRun(messages, model !== undefined) : undefined;
}

/** A catch-up with nothing to catch up on, said with the start it found. */
function nothingNew(job: Work, range: ResolvedRange): string {
	if (range.kind === "after")
		return `Nothing new here since [your last message](${messageLink(job.guildId, job.channelId, range.messageId)}): you're all caught up.`;
	return range.kind === "joined" ? "Nothing new here since you joined." : "Nothing here in the last 14 days.";
}

/**
 * Other styles cost no LLM call (summarizer/styles.ts), so they are cached too: Shorter and More detail
 * answer at once. The extractive summarizer's picks cost ~20 ms per style per 1,000 lines, before the
 * delivery, so they are made only for shorter ranges.
 */
function otherViews(
	style: Style,
	outcome: Outcome,
	lines: Line[],
	renderAs: (summary: Summary, style: Style) => RenderedMessage[],
): { style: Style; summary: RenderedMessage }[] {
	if (outcome.whole === undefined && lines.length > EXTRACTIVE_VIEWS_MAX_LINES) return [];
	return (Object.keys(STYLES) as Style[])
		.filter((other) => other !== style)
		.flatMap((other) => {
			const shown = renderAs(inStyle(outcome, lines, other), other);
			return shown.length === 1 ? [{ style: other, summary: shown[0] }] : [];
		});
}

/** The message a range starts from or after; for one since a member joined, the first id of that moment. */
function startId(range: ResolvedRange): string | null {
	if (range.kind === "from" || range.kind === "after") return range.messageId;
	return range.kind === "joined" ? snowflakeAt(range.at).toString() : null;
}

/** The summary's history row: what /summaries lists, and no member's words. */
function historyRow(
	job: Work & { range: ResolvedRange },
	messages: APIMessage[],
	outcome: Outcome,
	elapsedMs: number,
): Omit<SummaryRow, "createdAt"> {
	const { range } = job;
	const { model, usage } = outcome.summary;
	return {
		id: job.interactionId,
		guildId: job.guildId,
		channelId: job.channelId,
		requesterId: job.userId,
		rangeKind: range.kind,
		rangeMessages: range.kind === "count" ? range.messages : range.kind === "since" ? range.maxMessages : null,
		rangeSeconds: range.kind === "since" ? range.seconds : null,
		rangeFromMessageId: startId(range),
		firstMessageId: messages[0]?.id ?? null,
		lastMessageId: messages.at(-1)?.id ?? null,
		style: job.style,
		language: job.locale,
		model,
		public: job.public,
		messageCount: messages.length,
		tokensIn: usage.tokensIn,
		tokensOut: usage.tokensOut,
		costMicroUsd: estimateCostMicroUsd(model, usage.tokensIn, usage.tokensOut) ?? 0,
		timeToResultMs: elapsedMs,
		cached: outcome.reused,
		fallback: outcome.fallback !== null && outcome.fallback !== "no_key",
	};
}
