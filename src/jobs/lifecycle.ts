// The life of every queue job, summary or digest: it is claimed in its guild's Durable Object (a repeated
// delivery does nothing, a concurrent one waits, and one past the time anyone waiting can be answered is
// only recorded), its result is made once and kept until delivered, then delivered; a failure is retried
// with backoff, and after the last retry whoever waits is told. Queue delivery is at-least-once: this
// makes it once.
import type { Run } from "../domain/job";
import { guildObject } from "../guild/client";
import type { Cached, Joiner } from "../guild/guild-object";
import { log, reason } from "../lib/log";
import { backoffMs } from "../lib/retry";
import { MINUTE_MS, SECOND_MS } from "../lib/time";
import type { JobOutcome } from "./record";

/** Longest a job may run before another delivery may take it over. */
export const LEASE_MS = 10 * MINUTE_MS;
/** Retries the queue allows (wrangler.toml's max_retries): the last delivery tells the user. */
export const MAX_RETRIES = 4;
/** How long a delivery that found its job running elsewhere waits before looking again. */
const RUNNING_ELSEWHERE_S = 30;

/** What one kind of job does at each step of the lifecycle. */
export interface JobKind<R> {
	name: "summary" | "digest";
	guildId: string;
	run: Run;
	/**
	 * Makes the result: the costly part, done once per run. What it keeps in the guild's object on the way
	 * carries `generation`, so that an opt-out meanwhile voids it.
	 */
	make(startedAt: number, generation: number): Promise<R>;
	/**
	 * Delivers the result; `finish` ends the run in the guild's object, caching what it is given, and
	 * returns who joined.
	 */
	deliver(result: R, finish: (cached?: Cached) => Promise<Joiner[]>, startedAt: number): Promise<void>;
	/** Records a run that ended without delivering: too late, or out of retries. */
	record(outcome: Extract<JobOutcome, "expired" | "failed">, startedAt: number): Promise<unknown>;
	/** After the last retry: tells whoever waits (the joiners, and the job's own requester) that it failed. */
	giveUp(joiners: Joiner[]): Promise<void>;
}

interface Made<R> {
	result: R;
	generation: number;
}

function parseMade<R>(kept: string | null): Made<R> | undefined {
	const made = kept === null ? undefined : (JSON.parse(kept) as Partial<Made<R>>);
	return made && typeof made.generation === "number" && made.result !== undefined ? (made as Made<R>) : undefined;
}

/** Retry delay after a failed delivery: from 10 s, doubling, with jitter, at most 5 minutes. */
export function backoffSeconds(attempts: number): number {
	return Math.ceil(backoffMs(attempts, { baseMs: 10 * SECOND_MS, maxMs: 5 * MINUTE_MS }) / SECOND_MS);
}

export async function runJob<R>(message: Message, env: Env, kind: JobKind<R>): Promise<void> {
	const guild = guildObject(env, kind.guildId);
	const { run } = kind;
	const startedAt = Date.now();
	try {
		const claim = await guild.claim(run, LEASE_MS);
		if (claim.state === "expired") {
			await guild.finish(run);
			await kind.record("expired", startedAt);
			return message.ack();
		}
		if (claim.state === "done") return message.ack();
		if (claim.state === "running") return message.retry({ delaySeconds: RUNNING_ELSEWHERE_S });

		// A result kept by an earlier delivery keeps the generation it was read in; one kept by a version that
		// kept no generation (a deploy in between) is made again rather than trusted.
		const kept = parseMade<R>(await guild.keptResult(run.id));
		const made = kept ?? { result: await kind.make(startedAt, claim.generation), generation: claim.generation };
		if (!kept) await guild.keepResult(run.id, JSON.stringify(made), claim.until);
		await kind.deliver(made.result, (cached) => guild.finish(run, cached ?? null, made.generation), startedAt);
		message.ack();
	} catch (error) {
		log({ event: "job.failed", kind: kind.name, guild: kind.guildId, attempt: message.attempts, reason: reason(error) });
		if (message.attempts > MAX_RETRIES) {
			// Out of retries: tell whoever waits, then let the message go to the dead-letter queue.
			const joiners = await guild.finish(run).catch((): Joiner[] => []);
			await kind.giveUp(joiners);
			await kind.record("failed", startedAt);
		} else {
			await guild.release(run).catch(() => undefined);
		}
		message.retry({ delaySeconds: backoffSeconds(message.attempts) });
	}
}
