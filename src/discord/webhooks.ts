// Sends results and progress to the interaction's "thinking…" message through its webhook.
import type { RESTPatchAPIWebhookWithTokenMessageJSONBody } from "discord-api-types/v10";
import { NO_MENTIONS } from "./responses";
import { DiscordError, type DiscordRest } from "./rest";

export interface Target {
	applicationId: string;
	token: string;
}

export type WebhookMessage = RESTPatchAPIWebhookWithTokenMessageJSONBody;

function webhook(target: Target): string {
	return `/webhooks/${target.applicationId}/${target.token}`;
}

/** Replaces the original response with the first message; the others follow it. */
export async function deliver(rest: DiscordRest, target: Target, messages: WebhookMessage[], ephemeral: boolean): Promise<void> {
	const [first, ...followups] = messages;
	await rest.request("PATCH", `${webhook(target)}/messages/@original`, { ...first, allowed_mentions: NO_MENTIONS }, { auth: false });
	for (const message of followups) {
		await rest.request(
			"POST",
			webhook(target),
			{ ...message, allowed_mentions: NO_MENTIONS, flags: ephemeral ? 64 : undefined },
			{ auth: false },
		);
	}
}

/**
 * Whether a failed delivery is final for its interaction: its token expired (401), the member dismissed
 * the message or it is gone (404: unknown webhook or message), or Discord refuses it (403). Retrying
 * cannot mend it, and it says nothing about anyone else's delivery.
 */
export function isFinalFailure(error: unknown): error is DiscordError {
	return error instanceof DiscordError && (error.status === 401 || error.status === 403 || error.status === 404);
}

/** Progress shown in the original response: only once a job has run for a while, and at most every 1.5 s. */
export const PROGRESS = { afterMs: 2000, everyMs: 1500 };

export function progressReporter(rest: DiscordRest, target: Target, startedAt: number, now = Date.now) {
	let lastAt = 0;
	let chain = Promise.resolve();
	return {
		report(content: string): void {
			const at = now();
			if (at - startedAt < PROGRESS.afterMs || at - lastAt < PROGRESS.everyMs) return;
			lastAt = at;
			// One edit at a time, in order, and never failing the job: progress is a courtesy.
			chain = chain
				.then(() =>
					rest.request("PATCH", `${webhook(target)}/messages/@original`, { content, allowed_mentions: NO_MENTIONS }, { auth: false }),
				)
				.then(
					() => undefined,
					() => undefined,
				);
		},
		/** Waits for the edits under way, so none lands after the result. */
		settled: () => chain,
	};
}
