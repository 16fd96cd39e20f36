// The buttons under a summary: Refresh (when it quotes newest messages the LLM has not summarized),
// Shorter, More detail, Post publicly. A click is an interaction like any other: the button's id
// carries the request, which goes through the same checks and cache.
import {
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIMessageTopLevelComponent,
	ButtonStyle,
	ComponentType,
} from "discord-api-types/v10";
import { parseRangeKey, type Range, rangeKey, type SummaryRequest } from "../domain/job";
import { STYLES, type Style } from "../domain/styles";

export type ButtonAction = "refresh" | "shorter" | "detail" | "public";
const ACTIONS: ButtonAction[] = ["refresh", "shorter", "detail", "public"];
const PREFIX = "summary";

export interface ButtonRequest {
	action: ButtonAction;
	channelId: string;
	range: Range;
	style: Style;
}

/** `summary:<action>:<channel>:<range>:<style>`, well inside Discord's 100 characters. */
export function buttonId(action: ButtonAction, request: Pick<SummaryRequest, "channelId" | "range" | "style">): string {
	return [PREFIX, action, request.channelId, rangeKey(request.range), request.style].join(":");
}

export function parseButtonId(customId: string): ButtonRequest | undefined {
	const [prefix, action, channelId, range, style] = customId.split(":");
	const parsedRange = range === undefined ? undefined : parseRangeKey(range);
	if (prefix !== PREFIX || !ACTIONS.includes(action as ButtonAction) || !/^\d{1,20}$/.test(channelId ?? "")) return undefined;
	if (!parsedRange || !Object.hasOwn(STYLES, style ?? "")) return undefined;
	const current = style as Style;
	const next: Record<ButtonAction, Style> = { refresh: current, shorter: "brief", detail: "detailed", public: current };
	return { action: action as ButtonAction, channelId, range: parsedRange, style: next[action as ButtonAction] };
}

/**
 * The buttons that make sense for a result: Refresh only when it quotes newest messages unsummarized
 * (`refreshable`), no "Shorter" under a brief one, no "Post publicly" under a public one.
 */
export function summaryButtons(
	request: Pick<SummaryRequest, "channelId" | "range" | "style" | "public"> & { refreshable?: boolean },
): APIActionRowComponent<APIButtonComponent>[] {
	const button = (
		action: ButtonAction,
		label: string,
		style: ButtonStyle.Primary | ButtonStyle.Secondary = ButtonStyle.Secondary,
	): APIButtonComponent => ({
		type: ComponentType.Button,
		style,
		label,
		custom_id: buttonId(action, request),
	});
	const buttons = [
		...(request.refreshable ? [button("refresh", "Refresh")] : []),
		...(request.style !== "brief" ? [button("shorter", "Shorter")] : []),
		...(request.style !== "detailed" ? [button("detail", "More detail")] : []),
		...(!request.public ? [button("public", "Post publicly", ButtonStyle.Primary)] : []),
	];
	return buttons.length ? [{ type: ComponentType.ActionRow, components: buttons }] : [];
}

/** Whether a result's buttons offer Refresh: a cached result keeps it, whatever else the request changes. */
export function offersRefresh(components: readonly APIMessageTopLevelComponent[] | undefined): boolean {
	return (components ?? []).some(
		(row) =>
			row.type === ComponentType.ActionRow &&
			row.components.some((component) => "custom_id" in component && component.custom_id.startsWith(`${PREFIX}:refresh:`)),
	);
}
