// Digests in the queue consumer: the period's summary, made by the same pipeline as /summarize and
// posted in the digest's channel as a bot message. Discord refusing the bot there (403, 404) turns the
// digest off, with a reason /config view shows. The period's id makes repeats harmless: the guild's
// Durable Object runs it once, and Discord's nonce check keeps a retried post from appearing twice.
import { drizzle } from "drizzle-orm/d1";
import type { RESTPostAPIChannelMessageJSONBody } from "discord-api-types/v10";
import { disableDigest, markPosted } from "../db/digests";
import { recordSummary } from "../db/summaries";
import { writeOrLogLoss } from "../db/writes";
import { CADENCES } from "../domain/digest-schedule";
import { MESSAGES } from "../domain/limits";
import { listNames, PERMISSION_NAMES } from "../discord/permissions";
import { NO_MENTIONS } from "../discord/responses";
import { DiscordError, restFor, type DiscordRest } from "../discord/rest";
import { DIGEST_STALE_MS } from "../domain/digest-schedule";
import { backoffSeconds, LEASE_MS, MAX_RETRIES, run, usage, type Result, type Work } from "./summary-job";
import type { WebhookMessage } from "../discord/webhooks";
import type { DigestJob, QueueJob } from "../domain/job";

/** No interaction to show progress in. */
const SILENT = { report: () => undefined, settled: () => Promise.resolve() };

type Denied = { status: number; code?: number; while: "reading" | "posting" };

export function digestWork(job: DigestJob, botId: string): Work {
	return {
		guildId: job.guildId,
		channelId: job.channelId,
		userId: botId,
		range: { kind: "since", seconds: job.seconds, maxMessages: MESSAGES.max },
		style: job.style,
		locale: job.locale,
		public: true,
		// A digest is posted for all to read, once: no message of its period is left unsummarized.
		fresh: true,
		interactionId: job.id,
		requestedAt: job.scheduledAt,
	};
}

/** Why a digest was turned off, in words for the admin (no message content: Discord's status only). */
export function disabledReason(denied: Denied, channelId: string, at: number): string {
	const when = `<t:${Math.floor(at / 1000)}:f>`;
	if (denied.status === 404) return `<#${channelId}> no longer exists, or I can't see it (${when}).`;
	// Discord's refusal doesn't say which permission is missing: name every one the step needs.
	const needed = denied.while === "reading" ? PERMISSION_NAMES.read : PERMISSION_NAMES.send;
	return `I couldn't ${denied.while === "reading" ? "read" : "post in"} <#${channelId}>: I need ${listNames(needed)} there (${when}).`;
}

/** 25 characters, Discord's most for a nonce, the same for every delivery of a period's part. */
async function nonce(id: string, part: number): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(id)));
	const hex = [...digest.subarray(0, 12)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
	return `${hex.slice(0, 23)}${String(part).padStart(2, "0")}`;
}

async function post(rest: DiscordRest, job: DigestJob, messages: WebhookMessage[]): Promise<void> {
	for (const [part, message] of messages.entries()) {
		const body: RESTPostAPIChannelMessageJSONBody = {
			content: part === 0 ? `**${CADENCES[job.cadence]} digest**` : undefined,
			embeds: message.embeds ?? undefined,
			components: message.components ?? undefined,
			allowed_mentions: NO_MENTIONS,
			nonce: await nonce(job.id, part),
			enforce_nonce: true,
		};
		await rest.request("POST", `/channels/${job.channelId}/messages`, body);
	}
}

export async function consumeDigest(message: Message<QueueJob>, job: DigestJob, env: Env): Promise<void> {
	const guild = env.GUILD.get(env.GUILD.idFromName(job.guildId));
	const db = drizzle(env.DB);
	const work = digestWork(job, env.DISCORD_APPLICATION_ID);
	const startedAt = Date.now();
	// The period's id is its key and its "interaction" in the guild's Durable Object: no interactive request shares it.
	const claimed = { key: job.id, interactionId: job.id, requestedAt: startedAt, cacheTtlSeconds: 0 };
	const record = (outcome: Parameters<typeof usage>[2], result?: Result) =>
		recordSummary(db, outcome === "delivered" && result?.history ? { ...result.history, createdAt: new Date(startedAt) } : undefined, usage(env, work, outcome, startedAt, result, "digest"));
	try {
		if (startedAt > job.scheduledAt + DIGEST_STALE_MS) {
			await guild.finish(claimed, null);
			await record("expired");
			return message.ack();
		}
		const claim = await guild.claim(claimed, LEASE_MS);
		if (claim === "done") return message.ack();
		if (claim === "running") return message.retry({ delaySeconds: 30 });

		const kept = await guild.keptResult(job.id);
		const result: Result = kept ? JSON.parse(kept) : await run(work, env, startedAt, SILENT);
		if (!kept) await guild.keepResult(job.id, JSON.stringify(result), job.scheduledAt + DIGEST_STALE_MS);
		let denied: Denied | undefined = result.denied && { ...result.denied, while: "reading" };
		// A quiet period has no summary: nothing is posted, and the next digest starts after it all the same.
		if (!denied && result.history) {
			try {
				await post(restFor(env), job, result.messages);
			} catch (error) {
				if (!(error instanceof DiscordError) || (error.status !== 403 && error.status !== 404)) throw error;
				denied = { status: error.status, code: error.code, while: "posting" };
			}
		}
		await guild.finish(claimed, null);
		await writeOrLogLoss(job.guildId, () => (denied ? disableDigest(db, job, disabledReason(denied, job.channelId, startedAt)) : markPosted(db, job)));
		if (denied) console.log(JSON.stringify({ event: "digest.disabled", guild: job.guildId, status: denied.status, while: denied.while }));
		await record(denied || !result.history ? "refused" : "delivered", result);
		message.ack();
	} catch (error) {
		console.error(JSON.stringify({ event: "digest.failed", guild: job.guildId, attempt: message.attempts, reason: String(error) }));
		if (message.attempts > MAX_RETRIES) {
			// Out of retries: nobody is waiting for a digest, so it is only recorded before the dead-letter queue.
			await guild.finish(claimed, null).catch(() => []);
			await record("failed");
		} else {
			await guild.release(claimed).catch(() => undefined);
		}
		message.retry({ delaySeconds: backoffSeconds(message.attempts) });
	}
}
