// The summary queue's handler: each message goes to the consumer of its kind, and is acked or retried on its own.
import { consumeSummary } from "./consumer";
import { consumeDigest } from "./digest";
import { isDigest, type QueueJob } from "./job";

export async function consume(batch: MessageBatch<QueueJob>, env: Env): Promise<void> {
	await Promise.all(
		batch.messages.map((message) => {
			const job = message.body;
			return isDigest(job) ? consumeDigest(message, job, env) : consumeSummary(message, job, env);
		}),
	);
}
