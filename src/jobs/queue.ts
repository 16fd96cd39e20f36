// The summary queue's handler: each message goes through the job lifecycle as the kind it names, and is
// acked or retried on its own. The jobs of one channel and language run one after another, so that a
// later one reuses what the LLM said for an earlier one (summarizer/coverage.ts) instead of having it read
// the same messages at the same time; other channels run alongside.
import { restFor } from "../discord/rest";
import { type QueueJob, summaryLanguage } from "../domain/job";
import { log } from "../lib/log";
import { digestKind } from "./digest-job";
import { runJob } from "./lifecycle";
import { summaryKind } from "./summary-job";

function channelOf(job: QueueJob): string {
	return `${job.guildId}:${job.channelId}:${summaryLanguage(job.locale)}`;
}

/** The message's job, when its kind and version are ones this consumer knows. */
function knownJob(body: unknown): QueueJob | undefined {
	if (typeof body !== "object" || body === null) return undefined;
	const { kind, version } = body as Partial<QueueJob>;
	return (kind === "summary" || kind === "digest") && version === 1 ? (body as QueueJob) : undefined;
}

function consumeOne(message: Message<unknown>, job: QueueJob, env: Env): Promise<void> {
	return job.kind === "digest" ? runJob(message, env, digestKind(job, env)) : runJob(message, env, summaryKind(job, env));
}

export async function consume(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const byChannel = new Map<string, { message: Message<unknown>; job: QueueJob }[]>();
	for (const message of batch.messages) {
		const job = knownJob(message.body);
		if (!job) {
			// Retrying cannot make it known: acked, so it doesn't take five deliveries and the dead-letter queue.
			const { kind, version } = (message.body ?? {}) as { kind?: unknown; version?: unknown };
			log({
				event: "queue.unknown_message",
				kind: typeof kind === "string" ? kind : undefined,
				version: typeof version === "number" ? version : undefined,
			});
			message.ack();
			continue;
		}
		const key = channelOf(job);
		const queued = byChannel.get(key);
		if (queued) queued.push({ message, job });
		else byChannel.set(key, [{ message, job }]);
	}
	await Promise.all(
		[...byChannel.values()].map(async (jobs) => {
			for (const { message, job } of jobs) await consumeOne(message, job, env);
		}),
	);
	await restFor(env).flush();
}
