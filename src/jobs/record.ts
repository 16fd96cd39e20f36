// What a queue job leaves when it ends, whatever its kind: one Analytics Engine data point and one usage
// event in D1, and the summary's history row when one was delivered. Never any message content.
import { drizzle } from "drizzle-orm/d1";
import type { UsageEvent } from "../db/schema";
import { recordSummary } from "../db/summaries";
import { type Usage, writeDataPoint } from "../metrics/analytics";
import { usageRow } from "../metrics/usage-event";
import type { Result, Work } from "./pipeline";

/** How a job ended; "joined": a catch-up whose range another run was making, which answered its member. */
export type JobOutcome = Extract<UsageEvent["outcome"], "delivered" | "refused" | "failed" | "expired" | "joined" | "confirm">;

/** The job's usage, as Analytics Engine and D1 record it. */
export function usageOf(job: Work, outcome: JobOutcome, command: string, result?: Result): Usage {
	const summary = result?.outcome?.summary;
	return {
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
}

/** Writes the job's data point, then its usage event and, when delivered, its history row to D1. */
export function recordJob(env: Env, job: Work, outcome: JobOutcome, startedAt: number, command: string, result?: Result): Promise<boolean> {
	const usage = usageOf(job, outcome, command, result);
	writeDataPoint(env, usage);
	const history = outcome === "delivered" && result?.history ? { ...result.history, createdAt: new Date(startedAt) } : undefined;
	return recordSummary(drizzle(env.DB), history, usageRow(usage, new Date(startedAt)));
}
