// Commands that need D1 answer "thinking…" at once and finish after the answer (the interaction path
// never waits on D1): the work's message replaces the answer, or a plain apology if the work failed.
import type { APIInteraction, APIInteractionResponse } from "discord-api-types/v10";
import { thinking } from "../discord/responses";
import { restFor } from "../discord/rest";
import { deliver, type WebhookMessage } from "../discord/webhooks";
import { type DeferredCommand, log, reason } from "../lib/log";

export function replyLater(
	interaction: Pick<APIInteraction, "application_id" | "token" | "guild_id">,
	env: Env,
	ctx: ExecutionContext,
	work: () => Promise<WebhookMessage>,
	failure: { event: `${DeferredCommand}.failed`; content: string },
): APIInteractionResponse {
	const target = { applicationId: interaction.application_id, token: interaction.token };
	ctx.waitUntil(
		work()
			.catch((error: unknown): WebhookMessage => {
				log({ event: failure.event, guild: interaction.guild_id, reason: reason(error) });
				return { content: failure.content };
			})
			.then((message) => deliver(restFor(env), target, [message], true))
			.catch((error: unknown) => log({ event: `${failure.event}.undelivered`, reason: reason(error) })),
	);
	return thinking(true);
}
