// The summary queue's consumer: each job is claimed in its guild's Durable Object (so a repeated
// delivery does nothing), then history is read, compacted and summarized, and the result delivered
// to every interaction waiting for it. Each message is acked or retried on its own (queue.ts hands
// them out). Digests take the same pipeline, and are posted in their channel instead (digest.ts).
import type { APIMessage } from "discord-api-types/v10";
import { drizzle } from "drizzle-orm/d1";
import OpenAI from "openai";
import { optedOutMembers } from "../db/opt-outs";
import { recordSummary } from "../db/summaries";
import type { UsageEvent } from "../db/schema";
import { estimateCostMicroUsd } from "../metrics/cost";
import { writeDataPoint, type Usage } from "../metrics/analytics";
import { usageRow } from "../metrics/record";
import { summaryButtons } from "../discord/buttons";
import { STYLES, type Style } from "../domain/styles";
import { errorMessage, rangeLabel, render, type RenderedMessage } from "../discord/render";
import { DiscordError, restFor } from "../discord/rest";
import { compact } from "../summarizer/compact";
import { deliver, progressReporter, type Target, type WebhookMessage } from "../discord/webhooks";
import { fetchHistory } from "../summarizer/history";
import { messageCount } from "../domain/line";
import { roleNames } from "../summarizer/role-names";
import { restyled, TOKEN_LIFETIME_MS, type QueueJob, type SummaryJob } from "../domain/job";
import type { Summary } from "../domain/summary";
import { inStyle, summarize, type Outcome } from "../summarizer/summarize";

/** Up to this many lines, an extractive summary is also made in the other styles, for the cache. */
const EXTRACTIVE_VIEWS_MAX_LINES = 1000;
/** Longest a job may run before another delivery may take it over. */
export const LEASE_MS = 10 * 60 * 1000;
/** Retries the queue allows (wrangler.toml's max_retries): the last delivery tells the user. */
export const MAX_RETRIES = 4;

function llmFor(env: Env) {
	if (!env.OPENAI_API_KEY) return undefined;
	return { client: new OpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, maxRetries: 0 }), model: env.OPENAI_MODEL };
}

/** A failure the user should hear about now, instead of a retry. */
class Refusal extends Error {}

function explain(error: DiscordError): Refusal | undefined {
	if (error.status === 403) return new Refusal("I can't read that channel: I need **View Channel** and **Read Message History** there.");
	if (error.status === 404) return new Refusal("I couldn't find that channel or message any more.");
	return undefined;
}

/** Retry delay after a failed delivery: exponential, with jitter, at most 5 minutes. */
export function backoffSeconds(attempts: number): number {
	return Math.min(300, 5 * 2 ** attempts + Math.floor(Math.random() * 5));
}

export async function consumeSummary(message: Message<QueueJob>, job: SummaryJob, env: Env): Promise<void> {
	const guild = env.GUILD.get(env.GUILD.idFromName(job.guildId));
	const db = drizzle(env.DB);
	const startedAt = Date.now();
	try {
		if (startedAt >= job.requestedAt + TOKEN_LIFETIME_MS) {
			// The token can no longer edit the message: send nothing, record the job as expired.
			await guild.finish(job, null);
			await recordSummary(db, undefined, usage(env, job, "expired", startedAt));
			message.ack();
			return;
		}
		const claim = await guild.claim(job, LEASE_MS);
		if (claim === "done") return message.ack();
		if (claim === "running") return message.retry({ delaySeconds: 30 });

		const kept = await guild.keptResult(job.interactionId);
		const result: Result = kept ? JSON.parse(kept) : await run(job, env, startedAt, progressReporter(restFor(env), job, startedAt), true);
		if (!kept) await guild.keepResult(job.interactionId, JSON.stringify(result), job.requestedAt + TOKEN_LIFETIME_MS);
		const client = restFor(env);
		await deliver(client, job, result.messages, !job.public);
		// A summary that fits one message is cached: a cache hit can answer with one message only.
		const cacheable = result.history && result.messages.length === 1 && result.summary ? { embeds: result.summary.embeds } : null;
		const views = (result.views ?? []).map((other) => ({ key: restyled(job, { style: other.style, locale: job.locale }).key, summary: { embeds: other.summary.embeds } }));
		const waiting = await guild.finish(job, cacheable ?? null, views);
		await Promise.all(waiting.map((target: Target) => deliver(client, target, result.messages, !job.public).catch(() => undefined)));
		const history = result.history && { ...result.history, createdAt: new Date(startedAt) };
		await recordSummary(db, history, usage(env, job, result.history ? "delivered" : "refused", startedAt, result));
		message.ack();
	} catch (error) {
		console.error(JSON.stringify({ event: "job.failed", guild: job.guildId, attempt: message.attempts, reason: String(error) }));
		if (message.attempts > MAX_RETRIES) {
			// Out of retries: tell everyone waiting, then let the message go to the dead-letter queue.
			const text = "Sorry, I couldn't make this summary: Discord or the summarizer kept failing. Please try again later.";
			const waiting = await guild.finish(job, null).catch(() => []);
			await Promise.all([job, ...waiting].map((target) => deliver(restFor(env), target, errorMessage(text), !job.public).catch(() => undefined)));
			await recordSummary(db, undefined, usage(env, job, "failed", startedAt));
		} else {
			await guild.release(job).catch(() => undefined);
		}
		message.retry({ delaySeconds: backoffSeconds(message.attempts) });
	}
}

export interface Result {
	messages: WebhookMessage[];
	summary?: RenderedMessage;
	/** The same summary in the other styles that fit one message, for the guild's cache. */
	views?: { style: Style; summary: RenderedMessage }[];
	outcome?: Outcome;
	/** Discord's refusal to read the channel (403, 404), when that is why there is no summary. */
	denied?: { status: number; code?: number };
	/** Kept as JSON between deliveries, so without its creation time (a Date). */
	history?: Omit<NonNullable<Parameters<typeof recordSummary>[1]>, "createdAt">;
}

/** What the pipeline needs of a job: a summary request, its id, and the moment its range ends. */
export type Work = Pick<SummaryJob, "guildId" | "channelId" | "userId" | "range" | "style" | "locale" | "public" | "fresh" | "interactionId" | "requestedAt" | "admittedAt">;

/** `otherStyles`: also render the summary in the other styles, for the guild's cache (an interaction's job). */
export async function run(
	job: Work,
	env: Env,
	startedAt: number,
	progress: Pick<ReturnType<typeof progressReporter>, "report" | "settled">,
	otherStyles = false,
): Promise<Result> {
	const client = restFor(env);
	let messages: APIMessage[];
	try {
		messages = await fetchHistory(job.channelId, job.range, job.requestedAt, {
			get: (path) => client.get(path),
			onProgress: (fetched, expected) => progress.report(`Reading messages… ${fetched.toLocaleString("en-US")} / ${expected.toLocaleString("en-US")}`),
		});
	} catch (error) {
		const refusal = error instanceof DiscordError ? explain(error) : undefined;
		if (!refusal || !(error instanceof DiscordError)) throw error;
		await progress.settled();
		return { messages: errorMessage(refusal.message), denied: { status: error.status, code: error.code } };
	}
	const [excludedUserIds, roles] = await Promise.all([optedOutMembers(drizzle(env.DB), job.guildId), roleNames(job.guildId, messages, (path) => client.get(path))]);
	const lines = compact(messages, { excludedUserIds, names: { roles } });
	if (!lines.length) {
		await progress.settled();
		return { messages: errorMessage("There is nothing to summarize in that range: no messages from members I can include.") };
	}
	const included = messageCount(lines);
	progress.report(`Summarizing ${included.toLocaleString("en-US")} messages…`);
	const guild = env.GUILD.get(env.GUILD.idFromName(job.guildId));
	const outcome = await summarize(lines, job, {
		llm: llmFor(env),
		spans: { get: (scope, firstId, lastId) => guild.spans(scope, firstId, lastId), put: (scope, spans) => guild.putSpans(scope, spans) },
	});
	const elapsedMs = Date.now() - startedAt;
	const renderAs = (summary: Summary, style: Style) =>
		render(summary, {
			guildId: job.guildId,
			channelId: job.channelId,
			rangeLabel: rangeLabel(job.range),
			messageCount: messages.length,
			lines,
			style,
			components: summaryButtons({ ...job, style, refreshable: summary.newest !== undefined }),
			footer: { model: summary.model, tokens: summary.usage.tokensIn + summary.usage.tokensOut, elapsedMs, cached: outcome.reused },
		});
	const rendered = renderAs(outcome.summary, job.style);
	// Other styles cost no LLM call (styles.ts), so they are cached too: Shorter and More detail answer at
	// once. The extractive summarizer's picks cost ~20 ms per style per 1,000 lines, before the delivery.
	const cheap = outcome.whole !== undefined || lines.length <= EXTRACTIVE_VIEWS_MAX_LINES;
	const others = otherStyles && cheap ? (Object.keys(STYLES) as Style[]).filter((style) => style !== job.style) : [];
	const views = others.flatMap((style) => {
		const shown = renderAs(inStyle(outcome, lines, style), style);
		return shown.length === 1 ? [{ style, summary: shown[0] }] : [];
	});
	await progress.settled();
	return {
		messages: rendered,
		summary: rendered[0],
		views,
		outcome: { ...outcome, whole: undefined },
		history: {
			id: job.interactionId,
			guildId: job.guildId,
			channelId: job.channelId,
			requesterId: job.userId,
			rangeKind: job.range.kind,
			rangeMessages: job.range.kind === "count" ? job.range.messages : job.range.kind === "since" ? job.range.maxMessages : null,
			rangeSeconds: job.range.kind === "since" ? job.range.seconds : null,
			rangeFromMessageId: job.range.kind === "from" ? job.range.messageId : null,
			firstMessageId: messages[0]?.id ?? null,
			lastMessageId: messages.at(-1)?.id ?? null,
			style: job.style,
			language: job.locale,
			model: outcome.summary.model,
			public: job.public,
			rendered: JSON.stringify(rendered),
			messageCount: messages.length,
			tokensIn: outcome.summary.usage.tokensIn,
			tokensOut: outcome.summary.usage.tokensOut,
			costMicroUsd: estimateCostMicroUsd(outcome.summary.model, outcome.summary.usage.tokensIn, outcome.summary.usage.tokensOut) ?? 0,
			timeToResultMs: elapsedMs,
			cached: outcome.reused,
			fallback: outcome.fallback !== null && outcome.fallback !== "no_key",
		},
	};
}

/** The job's usage event for D1, after writing its Analytics Engine data point. */
export function usage(
	env: Env,
	job: Work,
	outcome: "delivered" | "refused" | "failed" | "expired",
	startedAt: number,
	result?: Result,
	command = job.range.kind === "from" ? "Summarize from here" : "summarize",
): UsageEvent {
	const summary = result?.outcome?.summary;
	const recorded: Usage = {
		id: job.interactionId,
		guildId: job.guildId,
		userId: job.userId,
		command,
		outcome,
		style: job.style,
		model: summary?.model,
		// The interaction was answered "thinking…" as soon as its job was enqueued; a digest has no interaction.
		latencyMs: job.admittedAt === undefined ? 0 : Math.max(0, job.admittedAt - job.requestedAt),
		timeToResultMs: outcome === "delivered" ? Date.now() - job.requestedAt : null,
		tokensIn: summary?.usage.tokensIn ?? 0,
		tokensOut: summary?.usage.tokensOut ?? 0,
		messages: result?.history?.messageCount ?? 0,
	};
	writeDataPoint(env, recorded);
	return usageRow(recorded, new Date(startedAt));
}
