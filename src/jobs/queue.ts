// The summary queue's handler: each message goes to the consumer of its kind, and is acked or retried on
// its own. The jobs of one channel and language run one after another, so that a later one reuses what
// the LLM said for an earlier one (summarizer/coverage.ts) instead of having it read the same messages
// at the same time; other channels run alongside.
import { consumeSummary } from "./summary-job";
import { consumeDigest } from "./digest-job";
import { isDigest, summaryLanguage, type QueueJob } from "../domain/job";

function channelOf(job: QueueJob): string {
	return `${job.guildId}:${job.channelId}:${summaryLanguage(job.locale)}`;
}

export async function consume(batch: MessageBatch<QueueJob>, env: Env): Promise<void> {
	const byChannel = new Map<string, Message<QueueJob>[]>();
	for (const message of batch.messages) {
		const key = channelOf(message.body);
		const queued = byChannel.get(key);
		if (queued) queued.push(message);
		else byChannel.set(key, [message]);
	}
	await Promise.all(
		[...byChannel.values()].map(async (messages) => {
			for (const message of messages) {
				const job = message.body;
				await (isDigest(job) ? consumeDigest(message, job, env) : consumeSummary(message, job, env));
			}
		}),
	);
}
