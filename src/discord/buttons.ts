// The buttons under a summary: Refresh (when it quotes newest messages the LLM has not summarized),
// Shorter, More detail, Post publicly. A click is an interaction like any other: the button's id
// carries the request, which goes through the same checks and cache.
import {
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIMessage,
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

/** A catch-up's summary speaks to its member ("since your last message"): it is not one to post for everyone. */
function isPersonal(range: Range): boolean {
	return range.kind === "catchup" || range.kind === "after" || range.kind === "joined";
}

/**
 * The buttons that make sense for a result: Refresh only when it quotes newest messages unsummarized
 * (`refreshable`), no "Shorter" under a brief one, and "Post publicly" only under a private summary of
 * the channel it is shown in, not a catch-up.
 */
export function summaryButtons(
	request: Pick<SummaryRequest, "channelId" | "origin" | "range" | "style" | "public"> & { refreshable?: boolean },
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
		...(!request.public && request.origin === request.channelId && !isPersonal(request.range)
			? [button("public", "Post publicly", ButtonStyle.Primary)]
			: []),
	];
	return buttons.length ? [{ type: ComponentType.ActionRow, components: buttons }] : [];
}

/** Why a summary asked to be public is not: it summarizes another channel than the one it is shown in. */
export function privateBecause(channelId: string): string {
	return `Only you can see this: a summary of <#${channelId}> is never posted in another channel, where members may not be able to read it.`;
}

/** The custom ids of a message's components. */
function customIds(components: readonly APIMessageTopLevelComponent[] | undefined): string[] {
	return (components ?? []).flatMap((row) =>
		row.type === ComponentType.ActionRow
			? row.components.flatMap((component) => ("custom_id" in component ? [component.custom_id] : []))
			: [],
	);
}

/**
 * Whether a click is on a button the bot made: on one of its own messages, among that message's
 * components. Anyone can post a message with a button whose custom_id looks like ours.
 */
export function isOwnButton(click: {
	application_id: string;
	message: Pick<APIMessage, "author" | "components">;
	data: { custom_id: string };
}): boolean {
	return click.message.author?.id === click.application_id && customIds(click.message.components).includes(click.data.custom_id);
}

/** Whether a result's buttons offer Refresh: a cached result keeps it, whatever else the request changes. */
export function offersRefresh(components: readonly APIMessageTopLevelComponent[] | undefined): boolean {
	return customIds(components).some((id) => id.startsWith(`${PREFIX}:refresh:`));
}
