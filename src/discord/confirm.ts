// The estimate a member sees before a large range runs, with Summarize and Cancel. Pure.
import { type APIActionRowComponent, type APIButtonComponent, ButtonStyle, ComponentType } from "discord-api-types/payloads/v10";
import type { Estimate } from "../domain/estimate";
import type { SummaryRequest } from "../domain/job";
import { thousands } from "../lib/numbers";
import { estimateCostMicroUsd, formatCost } from "../metrics/cost";
import { buttonId } from "./buttons";

function duration(seconds: number): string {
	return seconds < 90 ? `about ${Math.max(1, seconds)} s` : `about ${Math.round(seconds / 60)} min`;
}

/** What the run would cost: LLM tokens at `model`'s price ("unknown price" without one), or none without an LLM. */
function costLine(estimate: Estimate, model: string | undefined): string {
	if (model === undefined) return "no LLM tokens (the built-in extractive summarizer)";
	const tokens = estimate.tokensIn + estimate.tokensOut;
	const cost = estimateCostMicroUsd(model, estimate.tokensIn, estimate.tokensOut);
	const price = cost === undefined ? "unknown price" : `about ${formatCost(cost, 0)} at ${model}'s price`;
	return `about ${thousands(tokens)} LLM tokens (${price})`;
}

/**
 * The estimate and its buttons. `public`: whether the message it is shown in is public, so the summary
 * that replaces it is too; a public request answered in a private estimate says how to share the result.
 */
export function confirmation(
	request: Pick<SummaryRequest, "channelId" | "range" | "style" | "public"> & { askedPublic?: boolean },
	estimate: Estimate,
	model: string | undefined,
): { content: string; embeds: []; components: APIActionRowComponent<APIButtonComponent>[] } {
	const lines = [
		`**That is a large range:** about ${thousands(estimate.messages)} messages of <#${request.channelId}>.`,
		`Summarizing it takes ${costLine(estimate, model)} and ${duration(estimate.seconds)}.`,
		"*Estimated from measured averages; a channel of long messages costs more.*",
		...(request.askedPublic && !request.public ? ["The summary will be shown to you first: **Post publicly** under it shares it."] : []),
	];
	const button = (action: "confirm" | "confirm_public" | "cancel", label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary) =>
		({ type: ComponentType.Button, style, label, custom_id: buttonId(action, request) }) satisfies APIButtonComponent;
	const row: APIActionRowComponent<APIButtonComponent> = {
		type: ComponentType.ActionRow,
		components: [
			button(request.public ? "confirm_public" : "confirm", "Summarize", ButtonStyle.Primary),
			button("cancel", "Cancel", ButtonStyle.Secondary),
		],
	};
	return { content: lines.join("\n"), embeds: [], components: [row] };
}
