// The guild Durable Object as tests reach it: its stub, and its cache filled as a finished job fills it.
import { env } from "cloudflare:workers";
import { type SummaryJob, summaryRun } from "../../src/domain/job";
import type { SummaryMessage } from "../../src/guild/guild-object";
import { id } from "./interactions";

export const guild = (guildId: string) => env.GUILD.getByName(guildId);

/** Ends a queued summary job as its consumer would: `summary` cached under the job's key. */
export function finishJob(job: SummaryJob, summary: SummaryMessage) {
	return guild(job.guildId).finish(summaryRun(job), { ttlSeconds: job.cacheTtlSeconds, summaries: [{ key: job.key, summary }] });
}

/** Caches `summary` under `key`, as a job that made it would, for `ttlSeconds`. */
export function cacheSummary(stub: ReturnType<typeof guild>, key: string, summary: SummaryMessage, ttlSeconds = 3600) {
	return stub.finish({ id: id(), flight: key, expiresAt: Date.now() + 60_000 }, { ttlSeconds, summaries: [{ key, summary }] });
}
