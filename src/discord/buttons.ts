// The buttons under a summary: Shorter, More detail, Post publicly. A click is an interaction like
// any other: the button's id carries the request, which goes through the same checks and cache.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from "discord-api-types/v10";
import { parseRangeKey, rangeKey, type Range, type SummaryRequest } from "../summarizer/job";
import { STYLES, type Style } from "./commands";

export type ButtonAction = "shorter" | "detail" | "public";
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
	if (prefix !== PREFIX || !["shorter", "detail", "public"].includes(action) || !/^\d{1,20}$/.test(channelId ?? "")) return undefined;
	if (!parsedRange || !Object.hasOwn(STYLES, style ?? "")) return undefined;
	const current = style as Style;
	const next: Record<ButtonAction, Style> = { shorter: "brief", detail: "detailed", public: current };
	return { action: action as ButtonAction, channelId, range: parsedRange, style: next[action as ButtonAction] };
}

/** The buttons that make sense for a result: no "Shorter" under a brief one, no "Post publicly" under a public one. */
export function summaryButtons(request: Pick<SummaryRequest, "channelId" | "range" | "style" | "public">): APIActionRowComponent<APIButtonComponent>[] {
	const button = (action: ButtonAction, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary = ButtonStyle.Secondary): APIButtonComponent => ({
		type: ComponentType.Button,
		style,
		label,
		custom_id: buttonId(action, request),
	});
	const buttons = [
		...(request.style !== "brief" ? [button("shorter", "Shorter")] : []),
		...(request.style !== "detailed" ? [button("detail", "More detail")] : []),
		...(!request.public ? [button("public", "Post publicly", ButtonStyle.Primary)] : []),
	];
	return buttons.length ? [{ type: ComponentType.ActionRow, components: buttons }] : [];
}
