// The buttons under a summary: Refresh (when it quotes newest messages the LLM has not summarized),
// Shorter, More detail, Post publicly. A click is an interaction like any other: the button's id
// carries the request, which goes through the same checks and cache. Under them, 👍 and 👎: a vote on
// the summary shown.
import {
	type APIActionRowComponent,
	type APIButtonComponent,
	type APIMessage,
	type APIMessageTopLevelComponent,
	ButtonStyle,
	ComponentType,
} from "discord-api-types/payloads/v10";
import { parseRangeKey, type Range, rangeKey, type SummaryRequest } from "../domain/job";
import { STYLES, type Style } from "../domain/styles";
import { VOTES, type Vote } from "../domain/vote";

/** Under a summary: refresh, shorter, detail, public. Under a large range's estimate: confirm (the summary shown
 * where the estimate is, private or, for `confirm_public`, public) and cancel. */
export type ButtonAction = "refresh" | "shorter" | "detail" | "public" | "confirm" | "confirm_public" | "cancel";
const ACTIONS: ButtonAction[] = ["refresh", "shorter", "detail", "public", "confirm", "confirm_public", "cancel"];
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
	const next: Record<ButtonAction, Style> = {
		refresh: current,
		shorter: "brief",
		detail: "detailed",
		public: current,
		confirm: current,
		confirm_public: current,
		cancel: current,
	};
	return { action: action as ButtonAction, channelId, range: parsedRange, style: next[action as ButtonAction] };
}

/** Discord's longest custom_id. */
const CUSTOM_ID_MAX = 100;
const VOTE_PREFIX = "vote";

/**
 * What a vote is on: the summary is the message the buttons are on, whose id Discord sends with the click.
 * That id exists for every summary however it came (made, answered from the cache, joined, posted
 * publicly, a digest), one per message every member of a public summary votes on, and on the last part of
 * a split summary, the one with the buttons; no id made before the answer (a D1 row, the job's interaction)
 * covers them all. The button carries what the dashboard counts votes by: the summary's style and model.
 */
export interface VoteButton {
	vote: Vote;
	style: Style;
	/** The model's name, or "extractive". */
	model: string;
}

/** `vote:<up|down>:<style>:<model>`; a model's name too long for Discord's 100 characters is cut. */
export function voteId(button: VoteButton): string {
	return [VOTE_PREFIX, button.vote, button.style, button.model].join(":").slice(0, CUSTOM_ID_MAX);
}

export function parseVoteId(customId: string): VoteButton | undefined {
	// A model's name may hold colons ("llama3:8b"): it is the rest of the id.
	const [prefix, vote, style, ...model] = customId.split(":");
	if (prefix !== VOTE_PREFIX || !VOTES.includes(vote as Vote) || !Object.hasOwn(STYLES, style ?? "") || !model.join(":")) return undefined;
	return { vote: vote as Vote, style: style as Style, model: model.join(":") };
}

/** A catch-up's summary speaks to its member ("since your last message"): it is not one to post for everyone. */
function isPersonal(range: Range): boolean {
	return range.kind === "catchup" || range.kind === "after" || range.kind === "joined";
}

/**
 * The buttons that make sense for a result: Refresh only when it quotes newest messages unsummarized
 * (`refreshable`), no "Shorter" under a brief one, and "Post publicly" only under a private summary of
 * the channel it is shown in, not a catch-up. The votes have a row of their own: four of those and two votes
 * would pass Discord's five buttons a row, and the votes stay in one place under every summary.
 */
export function summaryButtons(
	request: Pick<SummaryRequest, "channelId" | "origin" | "range" | "style" | "public"> & { refreshable?: boolean; model: string },
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
	const vote = (vote: Vote, emoji: string): APIButtonComponent => ({
		type: ComponentType.Button,
		style: ButtonStyle.Secondary,
		emoji: { name: emoji },
		custom_id: voteId({ vote, style: request.style, model: request.model }),
	});
	const votes = [vote("up", "👍"), vote("down", "👎")];
	return [
		...(buttons.length ? [{ type: ComponentType.ActionRow as const, components: buttons }] : []),
		{ type: ComponentType.ActionRow, components: votes },
	];
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
