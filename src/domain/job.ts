// The message that travels on the summary queue: everything the consumer needs to do the work
// and deliver it, and never any message content.

import { HOUR_S, MINUTE_MS, MINUTE_S } from "../lib/time";
import { DIGEST_STALE_MS, type Schedule } from "./digest-schedule";
import { MAX_SINCE_SECONDS, MESSAGES, requestCost } from "./limits";
import type { Style } from "./styles";

export type Range =
	| { kind: "count"; messages: number }
	/** The last `seconds` before the request, at most `maxMessages` of them (the newest). */
	| { kind: "since"; seconds: number; maxMessages: number }
	| { kind: "from"; messageId: string }
	/**
	 * `/catchup` as asked: the member's catch-up, whose start the consumer finds by reading back from the
	 * newest message (summarizer/catch-up.ts). Its job resolves it to one of the kinds below, or to the
	 * last 14 days.
	 */
	| { kind: "catchup"; userId: string; joinedAt: number }
	/** A catch-up's range: the messages after the member's last message, at most the newest 10,000. */
	| { kind: "after"; messageId: string }
	/** A catch-up's range: the messages since the member joined the server (ms), at most the newest 10,000. */
	| { kind: "joined"; at: number };

/** A range that names its messages: any but a catch-up whose start is not found yet. */
export type ResolvedRange = Exclude<Range, { kind: "catchup" }>;

/** What a member asked to have summarized. */
export interface SummaryRequest {
	guildId: string;
	/** The channel summarized. */
	channelId: string;
	/** The channel the request was made in, where its answer shows. */
	origin: string;
	userId: string;
	range: Range;
	style: Style;
	locale: string;
	public: boolean;
	/**
	 * Have the LLM summarize every message, the newest few too, which a summary may otherwise quote as
	 * written (summarizer/coverage.ts): the Refresh button. Not answered from the cache.
	 */
	fresh?: boolean;
	/**
	 * The member asked for a public summary of another channel, which is never posted: members here may
	 * not be able to read that channel. The answer says so.
	 */
	publicRefused?: boolean;
	/** The channel's newest message when the member asked, if Discord said: the range ends there. */
	lastMessageId?: string;
	/**
	 * A private thread asked for from outside it: membership is not a permission Discord sends, so the
	 * consumer asks Discord whether the member is in it before reading anything.
	 */
	threadMembersOnly?: boolean;
}

export interface SummaryJob extends SummaryRequest {
	kind: "summary";
	version: 1;
	/** Identity of the summary: the cache and single-flight key in the guild's Durable Object. */
	key: string;
	/** How long the finished summary may be served from the cache. */
	cacheTtlSeconds: number;
	interactionId: string;
	applicationId: string;
	/** Interaction token: lets the consumer edit the "thinking…" message for 15 minutes. */
	token: string;
	/** When the interaction arrived (ms): fixes the start of a `since` range and the token's expiry. */
	requestedAt: number;
	/**
	 * When the guild's Durable Object enqueued the job (ms), the answer following at once: the interaction's
	 * latency is `admittedAt - requestedAt`.
	 */
	admittedAt?: number;
}

/** What a member left to the guild's defaults: the guild's Durable Object fills these in (see guild/settings.ts). */
export interface Unchosen {
	style: boolean;
	language: boolean;
}

/**
 * A scheduled digest: the summary of one period of a channel, posted in it as a bot message. There is
 * no interaction, so no token to expire; `scheduledAt` bounds how late it may still be posted.
 */
export interface DigestJob {
	kind: "digest";
	version: 1;
	/** `digest:<guild>:<channel>:<scheduledAt>`: one period's id, for its claim, history row and usage event. */
	id: string;
	guildId: string;
	channelId: string;
	cadence: Schedule["cadence"];
	style: Style;
	locale: string;
	/** The end of the period (ms): the schedule's time, so every delivery summarizes the same messages. */
	scheduledAt: number;
	/** The period's length: since the previous digest, or a day or a week. */
	seconds: number;
}

/** What travels on the summary queue. */
export type QueueJob = SummaryJob | DigestJob;

/** An interaction token lives 15 minutes; past that nothing can be delivered. */
export const TOKEN_LIFETIME_MS = 15 * MINUTE_MS;

/**
 * A queue job as the guild's Durable Object runs it once: `id` is done at most once (the interaction, or
 * the digest's period), `flight` is the single-flight key other requests join, and past `expiresAt` the
 * result can no longer be delivered.
 */
export interface Run {
	id: string;
	flight: string;
	expiresAt: number;
}

export function summaryRun(job: Pick<SummaryJob, "interactionId" | "key" | "fresh" | "requestedAt">): Run {
	return { id: job.interactionId, flight: flightKey(job), expiresAt: job.requestedAt + TOKEN_LIFETIME_MS };
}

/** A digest's period is its own flight: no interactive request shares it. */
export function digestRun(job: Pick<DigestJob, "id" | "scheduledAt">): Run {
	return { id: job.id, flight: job.id, expiresAt: job.scheduledAt + DIGEST_STALE_MS };
}

/**
 * What a range costs against the rate limits when it is asked for: a count is known on the interaction
 * path; a time range or "from here" is charged one request then, and the rest once read (`extraCost`).
 */
export function admissionCost(range: Range): number {
	return range.kind === "count" ? requestCost(range.messages) : 1;
}

/** What is still owed for a range once `read` messages of it were read. */
export function extraCost(range: Range, read: number): number {
	return Math.max(0, requestCost(read) - admissionCost(range));
}

/**
 * A range in a few characters, for keys and button ids: `n100`, `s21600n10000`, `f<message id>`,
 * `a<message id>`, `j<ms>`; an unresolved catch-up is `c<member id>`, which no button carries.
 */
export function rangeKey(range: Range): string {
	switch (range.kind) {
		case "count":
			return `n${range.messages}`;
		case "since":
			return `s${range.seconds}n${range.maxMessages}`;
		case "from":
			return `f${range.messageId}`;
		case "catchup":
			return `c${range.userId}`;
		case "after":
			return `a${range.messageId}`;
		case "joined":
			return `j${range.at}`;
	}
}

/**
 * The key of a summary. With the channel's last message id the key names an exact set of messages,
 * so it can be cached for long; without it, only briefly.
 */
export function parseRangeKey(key: string): Range | undefined {
	const match = key.match(/^(?:n(\d{1,5})|s(\d{1,7})n(\d{1,5})|f(\d{1,20})|a(\d{1,20})|j(\d{1,15}))$/);
	if (!match) return undefined;
	// A key comes back in a button's custom_id: held to the limits a command's options are.
	const messages = (n: string) => Number(n) >= MESSAGES.min && Number(n) <= MESSAGES.max;
	if (match[1]) return messages(match[1]) ? { kind: "count", messages: Number(match[1]) } : undefined;
	if (match[2]) {
		const seconds = Number(match[2]);
		if (seconds < MINUTE_S || seconds > MAX_SINCE_SECONDS || !messages(match[3])) return undefined;
		return { kind: "since", seconds, maxMessages: Number(match[3]) };
	}
	if (match[4]) return { kind: "from", messageId: match[4] };
	// Like "from", these are held to the newest 10,000 messages wherever they start.
	if (match[5]) return { kind: "after", messageId: match[5] };
	return { kind: "joined", at: Number(match[6]) };
}

/** Whether a key names an exact set of messages, so its summary never changes. */
export function isExactKey(key: string): boolean {
	return key.includes("@");
}

/**
 * The language a summary is written in, as its key names it: a summary serves every locale of its
 * language (en-US and en-GB), except Chinese, whose two locales are two scripts.
 */
export function summaryLanguage(locale: string): string {
	return locale.startsWith("zh") ? locale : locale.split("-")[0];
}

export function summaryKey(
	request: Pick<SummaryRequest, "channelId" | "range" | "style" | "locale">,
	lastMessageId: string | undefined,
): { key: string; cacheTtlSeconds: number } {
	const base = `${request.channelId}:${rangeKey(request.range)}:${request.style}:${summaryLanguage(request.locale)}`;
	if (!lastMessageId) return { key: base, cacheTtlSeconds: 60 };
	// A time range slides with the clock even when no message arrives, so it stays fresh for less.
	return { key: `${base}@${lastMessageId}`, cacheTtlSeconds: request.range.kind === "since" ? 10 * MINUTE_S : HOUR_S };
}

/**
 * The key a job runs under, for single-flight: a Refresh gets its own, since joining a job that may quote
 * the newest messages would not give it what it asked; its summary replaces the one cached under `key`.
 */
export function flightKey(job: Pick<SummaryJob, "key" | "fresh">): string {
	return job.fresh ? `${job.key}!fresh` : job.key;
}

/**
 * A catch-up's job once its start is found: the summary of that range, under that summary's key, which
 * other requests for the same range (the member's own again, or another's that resolves alike) share.
 */
export function resolved(job: SummaryJob, range: ResolvedRange): SummaryJob {
	const changed = { ...job, range };
	return { ...changed, ...summaryKey(changed, job.key.split("@")[1]) };
}

/** The same job in another style or language: it names another summary, so it gets that summary's key. */
export function restyled(job: SummaryJob, changes: Pick<SummaryRequest, "style" | "locale">): SummaryJob {
	if (changes.style === job.style && changes.locale === job.locale) return job;
	const changed = { ...job, ...changes };
	return { ...changed, ...summaryKey(changed, job.key.split("@")[1]) };
}
