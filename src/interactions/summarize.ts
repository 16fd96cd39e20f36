// /summarize and "Summarize from here": validate, then one call to the guild's Durable Object,
// whose decision becomes the answer. No history is read here; the queue consumer does that.
import type { APIInteraction, APIInteractionResponse } from "discord-api-types/v10";
import { offersRefresh, privateBecause, summaryButtons } from "../discord/buttons";
import { confirmation } from "../discord/confirm";
import { footerModel } from "../discord/render";
import { ephemeral, message, thinking, update, updating } from "../discord/responses";
import { estimateRun } from "../domain/estimate";
import { admissionCost, type SummaryJob, summaryKey } from "../domain/job";
import { MESSAGES_PER_REQUEST } from "../domain/limits";
import { admit } from "../guild/client";
import type { Admission, SummaryMessage } from "../guild/guild-object";
import { thousands } from "../lib/numbers";
import type { Result } from "../lib/result";
import type { Usage } from "../metrics/analytics";
import { recordInteraction } from "../metrics/record";
import type { Parsed, ParsedRequest } from "./summarize-request";

export function toJob(interaction: APIInteraction, request: ParsedRequest, now: number): SummaryJob {
	const { unchosen, inPlace, ...rest } = request;
	return {
		kind: "summary",
		version: 1,
		...summaryKey(request, request.lastMessageId),
		...rest,
		interactionId: interaction.id,
		applicationId: interaction.application_id,
		token: interaction.token,
		requestedAt: now,
	};
}

/** A cached summary as this request shows it: marked cached, with the buttons that fit this request. */
function fromCache(summary: SummaryMessage, job: SummaryJob): SummaryMessage {
	const embeds = summary.embeds?.map((embed, i, all) =>
		i === all.length - 1 && embed.footer && !embed.footer.text.endsWith("· cached")
			? { ...embed, footer: { ...embed.footer, text: `${embed.footer.text} · cached` } }
			: embed,
	);
	// A catch-up's buttons carry the range its start resolved to, which only its cached summary knows.
	const components =
		job.range.kind === "catchup"
			? (summary.components ?? [])
			: summaryButtons({ ...job, refreshable: offersRefresh(summary.components), model: footerModel(summary.embeds) });
	return {
		...summary,
		embeds,
		...(components.length ? { components } : {}),
		...(job.publicRefused ? { content: privateBecause(job.channelId) } : {}),
	};
}

/** The LLM the consumer would use: its model, or none (the extractive summarizer). */
type Llm = { model: string } | undefined;

/**
 * The decision as the member sees it. Summarize under a large range's estimate (`inPlace`) replaces the
 * estimate: with the summary at once, or when the job delivers it.
 */
export function answer(admission: Admission, job: SummaryJob, llm: Llm, inPlace = false): APIInteractionResponse {
	switch (admission.outcome) {
		case "hit":
			return inPlace ? update(fromCache(admission.summary, job)) : message(fromCache(admission.summary, job), !job.public);
		case "joined":
		case "admitted":
			return inPlace ? updating() : thinking(!job.public);
		case "confirm": {
			// Shown only to the member; a public request's summary comes to them first, with Post publicly.
			const messages = job.range.kind === "count" ? job.range.messages : 0;
			return message(
				confirmation({ ...job, public: false, askedPublic: job.public }, estimateRun(messages, llm !== undefined), llm?.model),
				true,
			);
		}
		case "denied": {
			const when = `<t:${Math.ceil(admission.retryAt / 1000)}:R>`;
			const why =
				admission.scope === "guild"
					? `This server has asked for many summaries lately. The next one can start ${when}.`
					: `You've asked for several summaries in a short time. Try again ${when}.`;
			const size =
				admissionCost(job.range) > 1
					? ` A range counts as one request per ${thousands(MESSAGES_PER_REQUEST)} messages, so a smaller one may start sooner.`
					: "";
			return ephemeral(why + size);
		}
		case "failed":
			return ephemeral("I couldn't start that summary just now, and it did not count against your limits. Please try again in a minute.");
	}
}

/** Cancel under a large range's estimate: the estimate gives way to a note that nothing was read, without buttons. */
export function cancel(parsed: Result<true>): APIInteractionResponse {
	if (!parsed.ok) return ephemeral(parsed.error);
	return update({ content: "Cancelled: nothing was read or summarized.", embeds: [], components: [] });
}

/** What the interaction path decided, as usage: admitted jobs are recorded by the consumer when they end. */
const RECORDED: Partial<Record<Admission["outcome"], Usage["outcome"]>> = {
	hit: "cached",
	joined: "joined",
	denied: "rate_limited",
	failed: "failed",
	confirm: "confirm",
};

export async function summarize(
	interaction: APIInteraction,
	parsed: Parsed,
	env: Env,
	ctx: ExecutionContext,
): Promise<APIInteractionResponse> {
	const now = Date.now();
	const record = (outcome: Usage["outcome"], style?: string) =>
		recordInteraction(env, ctx, {
			id: interaction.id,
			guildId: interaction.guild_id ?? "",
			userId: interaction.member?.user.id ?? interaction.user?.id ?? "",
			command: "data" in interaction && interaction.data && "name" in interaction.data ? interaction.data.name : "button",
			outcome,
			style,
			latencyMs: Date.now() - now,
		});
	if (!parsed.ok) {
		record("refused");
		return ephemeral(parsed.error);
	}
	const decision = await admit(env, toJob(interaction, parsed.value, now), parsed.value.unchosen, now);
	const outcome = RECORDED[decision.outcome];
	if (outcome) record(outcome, decision.job.style);
	return answer(decision, decision.job, env.OPENAI_API_KEY ? { model: env.OPENAI_MODEL } : undefined, parsed.value.inPlace);
}
