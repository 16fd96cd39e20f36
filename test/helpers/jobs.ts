// Summary jobs as the interaction path enqueues them, and the queue consumer run on a real batch of them.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type SummaryJob, summaryKey } from "../../src/domain/job";
import worker from "../../src/index";
import { id } from "./interactions";

/** A member's /summarize of the last 100 messages of a new channel, keyed as the channel was at a new newest message. */
export function summaryJob(overrides: Partial<SummaryJob> = {}): SummaryJob {
	const base = { channelId: id(), range: { kind: "count", messages: 100 } as const, style: "brief" as const, locale: "en-US" };
	const asked = { ...base, ...overrides };
	return {
		kind: "summary",
		version: 1,
		...summaryKey(asked, overrides.lastMessageId ?? id()),
		...base,
		origin: asked.channelId,
		interactionId: id(),
		applicationId: env.DISCORD_APPLICATION_ID,
		token: `token-${id()}`,
		guildId: id(),
		userId: id(),
		public: false,
		requestedAt: Date.now(),
		...overrides,
	};
}

/** Runs the consumer on one batch of `jobs`, delivered `attempts` times so far, with `bindings`. */
export async function consumeWith(bindings: Env, attempts: number, ...jobs: SummaryJob[]) {
	const batch = createMessageBatch<SummaryJob>(
		"summary-jobs",
		jobs.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })),
	);
	const ctx = createExecutionContext();
	await worker.queue(batch, bindings);
	return getQueueResult(batch, ctx);
}
