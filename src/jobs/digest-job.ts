// A scheduled digest: the period's summary, made by the same pipeline as /summarize and posted in the
// digest's channel as a bot message. Discord refusing the bot there (403, 404) turns the digest off, with a
// reason /config view shows. The period's id makes repeats harmless: the guild's Durable Object runs it
// once, and Discord's nonce check keeps a retried post from appearing twice.
import type { RESTPostAPIChannelMessageJSONBody } from "discord-api-types/v10";
import { drizzle } from "drizzle-orm/d1";
import { disableDigest, markPosted } from "../db/digests";
import { writeOrLogLoss } from "../db/writes";
import { listNames, PERMISSION_NAMES } from "../discord/permissions";
import { NO_MENTIONS } from "../discord/responses";
import { DiscordError, type DiscordRest, restFor } from "../discord/rest";
import type { WebhookMessage } from "../discord/webhooks";
import { CADENCES } from "../domain/digest-schedule";
import { type DigestJob, digestRun } from "../domain/job";
import { MESSAGES } from "../domain/limits";
import { toHex } from "../lib/hex";
import { log } from "../lib/log";
import type { JobKind } from "./lifecycle";
import { makeSummary, type Result, SILENT, type Work } from "./pipeline";
import { recordJob } from "./record";

type Denied = { status: number; code?: number; while: "reading" | "posting" };

export function digestWork(job: DigestJob, botId: string): Work {
	return {
		guildId: job.guildId,
		channelId: job.channelId,
		origin: job.channelId,
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
	return `${toHex(digest.subarray(0, 12)).slice(0, 23)}${String(part).padStart(2, "0")}`;
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
		await rest.request("POST", `/channels/${job.channelId}/messages`, body, { guild: job.guildId });
	}
}

/** Posts the digest, or says why Discord would not let the bot read or post there. */
async function postOrDenied(env: Env, job: DigestJob, result: Result): Promise<Denied | undefined> {
	if (result.denied) return { ...result.denied, while: "reading" };
	// A quiet period has no summary: nothing is posted, and the next digest starts after it all the same.
	if (!result.history) return undefined;
	try {
		await post(restFor(env), job, result.messages);
		return undefined;
	} catch (error) {
		if (!(error instanceof DiscordError) || (error.status !== 403 && error.status !== 404)) throw error;
		return { status: error.status, code: error.code, while: "posting" };
	}
}

export function digestKind(job: DigestJob, env: Env): JobKind<Result> {
	const work = digestWork(job, env.DISCORD_APPLICATION_ID);
	return {
		name: "digest",
		guildId: job.guildId,
		run: digestRun(job),
		make: (startedAt, generation) => makeSummary(work, env, { startedAt, generation }, SILENT),
		async deliver(result, finish, startedAt) {
			const denied = await postOrDenied(env, job, result);
			await finish();
			const db = drizzle(env.DB);
			await writeOrLogLoss(job.guildId, () =>
				denied ? disableDigest(db, job, disabledReason(denied, job.channelId, startedAt)) : markPosted(db, job),
			);
			if (denied) log({ event: "digest.disabled", guild: job.guildId, status: denied.status, while: denied.while });
			await recordJob(env, work, denied || !result.history ? "refused" : "delivered", startedAt, "digest", result);
		},
		record: (outcome, startedAt) => recordJob(env, work, outcome, startedAt, "digest"),
		// Nobody waits for a digest: a failed one is only recorded before the dead-letter queue.
		giveUp: async () => undefined,
	};
}
