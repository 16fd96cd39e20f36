// A member's summary job: made by the pipeline with progress shown in their "thinking…" message, delivered
// to that message and to every interaction that joined the job, and cached in every style it came in.
import { errorMessage } from "../discord/render";
import { restFor } from "../discord/rest";
import { deliver, progressReporter } from "../discord/webhooks";
import { restyled, type SummaryJob, summaryRun } from "../domain/job";
import type { JobKind } from "./lifecycle";
import { makeSummary, type Result } from "./pipeline";
import { recordJob } from "./record";

const COMMANDS: Record<SummaryJob["range"]["kind"], string> = { count: "summarize", since: "summarize", from: "Summarize from here" };
const GAVE_UP = "Sorry, I couldn't make this summary: Discord or the summarizer kept failing. Please try again later.";

export function summaryKind(job: SummaryJob, env: Env): JobKind<Result> {
	const rest = restFor(env);
	const command = COMMANDS[job.range.kind];
	const reply = (target: { applicationId: string; token: string }, messages: Result["messages"]) => deliver(rest, target, messages, !job.public);
	return {
		guildId: job.guildId,
		run: summaryRun(job),
		make: (startedAt) => makeSummary(job, env, startedAt, progressReporter(rest, job, startedAt), true),
		async deliver(result, finish, startedAt) {
			await reply(job, result.messages);
			// A summary that fits one message is cached: a cache hit can answer with one message only.
			const cacheable = result.history && result.messages.length === 1 && result.summary;
			const joiners = await finish(
				cacheable
					? {
							ttlSeconds: job.cacheTtlSeconds,
							summaries: [
								...(result.views ?? []).map((view) => ({ key: restyled(job, { style: view.style, locale: job.locale }).key, summary: { embeds: view.summary.embeds } })),
								{ key: job.key, summary: { embeds: cacheable.embeds } },
							],
						}
					: undefined,
			);
			await Promise.all(joiners.map((joiner) => reply(joiner, result.messages).catch(() => undefined)));
			await recordJob(env, job, result.history ? "delivered" : "refused", startedAt, command, result);
		},
		record: (outcome, startedAt) => recordJob(env, job, outcome, startedAt, command),
		async giveUp(joiners) {
			await Promise.all([job, ...joiners].map((target) => reply(target, errorMessage(GAVE_UP)).catch(() => undefined)));
		},
	};
}
