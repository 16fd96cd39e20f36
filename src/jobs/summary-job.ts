// A member's summary job: made by the pipeline with progress shown in their "thinking…" message, and
// delivered to that message and to every interaction that joined the job, each with its own visibility
// and buttons; cached in every style it came in. A delivery that fails for good (the member dismissed
// the message, or its token expired) ends that delivery only: the others are still made and cached.
import { privateBecause, summaryButtons } from "../discord/buttons";
import { confirmation } from "../discord/confirm";
import { errorMessage } from "../discord/render";
import { restFor } from "../discord/rest";
import { deliver, isFinalFailure, progressReporter, type WebhookMessage } from "../discord/webhooks";
import { flightKey, resolved, restyled, type SummaryJob, summaryRun } from "../domain/job";
import { guildObject } from "../guild/client";
import { joinerOf } from "../guild/flights";
import type { Cached, Joiner } from "../guild/guild-object";
import { log, reason } from "../lib/log";
import type { JobKind } from "./lifecycle";
import { llmModel, makeSummary, type Result } from "./pipeline";
import { type JobOutcome, recordJob } from "./record";

const COMMANDS: Record<SummaryJob["range"]["kind"], string> = {
	count: "summarize",
	since: "summarize",
	from: "Summarize from here",
	catchup: "catchup",
	after: "catchup",
	joined: "catchup",
};
const GAVE_UP = "Sorry, I couldn't make this summary: Discord or the summarizer kept failing. Please try again later.";

const live = (recipient: Joiner) => Date.now() < recipient.expiresAt;

/** The job the result is the summary of: a catch-up's, once its start was found, names the range it resolved to. */
function summarized(job: SummaryJob, result: Result): SummaryJob {
	return result.range ? resolved(job, result.range) : job;
}

/** A result that is a summary, not a refusal or an answer without one. */
type Made = Result & { history: NonNullable<Result["history"]> };
const isMade = (result: Result): result is Made => result.history !== undefined;

/** The buttons under a summary for `recipient`: those that fit its own request, and the votes on it. */
function buttonsFor(job: SummaryJob, result: Made, recipient: Pick<Joiner, "public" | "origin">) {
	return summaryButtons({
		...summarized(job, result),
		public: recipient.public,
		origin: recipient.origin,
		refreshable: result.outcome?.summary.newest !== undefined,
		model: result.history.model,
	});
}

/**
 * The result as `recipient` sees it: the buttons under a summary are those that fit its own request, and
 * the first message says why it is private when a public one was asked for and refused.
 */
function shownTo(job: SummaryJob, result: Result, recipient: Joiner, model: string | undefined): WebhookMessage[] {
	// A large range's estimate, in place of "thinking…": Summarize shows the summary there, as visible as it.
	if (result.estimate) return [confirmation({ ...job, public: recipient.public }, result.estimate, model)];
	if (!isMade(result)) return result.messages;
	const components = buttonsFor(job, result, recipient);
	return result.messages.map((message, i) => ({
		...message,
		...(message.components?.length ? { components } : {}),
		...(i === 0 && recipient.publicRefused ? { content: privateBecause(job.channelId) } : {}),
	}));
}

/**
 * What a job that fits one message leaves in the cache: that summary, and its other styles under their
 * keys. A catch-up's is also its member's answer to the same catch-up until the channel moves on, under
 * the key they ask by: with its buttons, as the range those carry is known only once read.
 */
function cacheOf(job: SummaryJob, result: Result): Cached | undefined {
	if (!isMade(result) || result.messages.length !== 1 || !result.summary) return undefined;
	const summary = summarized(job, result);
	const views = [...(result.views ?? []), { style: job.style, summary: result.summary }];
	const under = (named: SummaryJob, withButtons: boolean) =>
		views.map((view) => ({
			key: restyled(named, { style: view.style, locale: job.locale }).key,
			summary: {
				embeds: view.summary.embeds,
				...(withButtons ? { components: buttonsFor(restyled(job, { style: view.style, locale: job.locale }), result, job) } : {}),
			},
		}));
	return { ttlSeconds: summary.cacheTtlSeconds, summaries: [...under(summary, false), ...(result.range ? under(job, true) : [])] };
}

/** How a delivered run ended for its requester, as usage records it. */
function outcomeOf(result: Result, answerable: boolean, arrived: boolean): JobOutcome {
	if (!answerable) return "expired";
	if (!arrived) return "failed";
	if (result.history) return "delivered";
	return result.estimate ? "confirm" : "refused";
}

export function summaryKind(job: SummaryJob, env: Env): JobKind<Result> {
	const rest = restFor(env);
	const run = summaryRun(job);
	const command = COMMANDS[job.range.kind];
	const model = llmModel(env);
	const requester = joinerOf(job);
	/** Sends `messages`; says whether they arrived. A final failure is logged; any other is thrown, for a retry. */
	const send = async (recipient: Joiner, messages: WebhookMessage[]): Promise<boolean> => {
		try {
			await deliver(rest, recipient, messages, !recipient.public);
			return true;
		} catch (error) {
			if (!isFinalFailure(error)) throw error;
			log({ event: "delivery.lost", guild: job.guildId, status: error.status });
			return false;
		}
	};
	return {
		name: "summary",
		guildId: job.guildId,
		run,
		async make(startedAt, generation) {
			const result = await makeSummary(job, env, { startedAt, generation }, progressReporter(rest, job, startedAt), {
				otherStyles: true,
				follow: (range) => guildObject(env, job.guildId).follow(run, flightKey(resolved(job, range)), requester),
				confirm: true,
			});
			// A time range's size is known once read: what it cost beyond its one request is charged now.
			// Charged once the summary is made; a charge lost does not make it again.
			if (result.history)
				await guildObject(env, job.guildId)
					.chargeRead(job.userId, job.range, result.history.messageCount)
					.catch((error: unknown) => log({ event: "guild.charge_lost", guild: job.guildId, reason: reason(error) }));
			return result;
		},
		async deliver(result, finish, startedAt) {
			if (result.handedOver) {
				await finish();
				await recordJob(env, job, "joined", startedAt, command);
				return;
			}
			// Past its token's life the requester can't be answered: the job ran for those who joined later.
			const answerable = live(requester);
			const arrived = answerable && (await send(requester, shownTo(job, result, requester, model)));
			const joiners = await finish(cacheOf(job, result));
			// One try each: they left the guild's object with `finish`.
			await Promise.all(joiners.filter(live).map((joiner) => send(joiner, shownTo(job, result, joiner, model)).catch(() => false)));
			await recordJob(env, job, outcomeOf(result, answerable, arrived), startedAt, command, result);
		},
		record: (outcome, startedAt) => recordJob(env, job, outcome, startedAt, command),
		async giveUp(joiners) {
			const waiting = [requester, ...joiners].filter(live);
			await Promise.all(waiting.map((recipient) => send(recipient, errorMessage(GAVE_UP)).catch(() => false)));
		},
	};
}
