// Turns a Summary into the Discord messages that show it: one embed per message, each point followed by
// jump links to the messages it rests on, split into follow-ups rather than dropping anything. Pure.
import type { APIActionRowComponent, APIAllowedMentions, APIComponentInMessageActionRow, APIEmbed } from "discord-api-types/v10";
import type { Range } from "../domain/job";
import type { SpentBudget } from "../domain/limits";
import type { Line } from "../domain/line";
import type { Style } from "../domain/styles";
import type { Cited, Summary } from "../domain/summary";
import { thousands } from "../lib/numbers";
import { DAY_S, HOUR_S, MINUTE_S, WEEK_S } from "../lib/time";
import { cut, LIMITS, pack } from "./limits";
import { NO_MENTIONS } from "./responses";
import { BALANCE_GROWTH, balance, escapeName, inlineText, neutralizeMentions } from "./sanitize";

export interface RenderContext {
	guildId: string;
	channelId: string;
	/** Shown in the title when known; otherwise only the description's channel mention names it. */
	channelName?: string;
	/** The range in words, as rangeLabel gives it: "last 100 messages", "last 6 hours". */
	rangeLabel: string;
	/** How many messages were summarized. */
	messageCount: number;
	/** The member's last message, when a catch-up starts after it: linked where the count is. */
	after?: string;
	/** The lines the summary cites, for jump links. */
	lines: Line[];
	/** The style asked for: "action_items" leads with the action items, even when there are none. */
	style: Style;
	footer: { model: string; tokens: number; elapsedMs: number; cached: boolean };
	/** Why the LLM did not write all of it, when the member should know: a spent token budget. */
	spentBudget?: SpentBudget;
	/** Buttons, under the last message. */
	components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/**
 * One message: [0] edits the original response, the others are follow-ups. It is a webhook edit body, a
 * follow-up body and (as `SummaryMessage`) a guild cache entry as it is, with no conversion.
 */
export interface RenderedMessage {
	content?: string;
	embeds: APIEmbed[];
	components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
	allowed_mentions: APIAllowedMentions;
}

const LINKS_PER_POINT = 3;
const PARTICIPANTS_SHOWN = 10;
const LINKS_SHOWN = 10;
const COLOR = { llm: 0x5865f2, extractive: 0x99aab5 };
const CONTINUED = " (continued)";

function plural(count: number, word: string): string {
	return `${thousands(count)} ${word}${count === 1 ? "" : "s"}`;
}

export function durationLabel(seconds: number): string {
	const units: [number, string][] = [
		[WEEK_S, "week"],
		[DAY_S, "day"],
		[HOUR_S, "hour"],
		[MINUTE_S, "minute"],
	];
	const [size, word] = units.find(([size]) => seconds % size === 0 && seconds >= size) ?? [MINUTE_S, "minute"];
	return plural(Math.max(1, Math.round(seconds / size)), word);
}

/**
 * The job's range in words: "last 100 messages", "last 6 hours", "last day", "from a message to now", and
 * a catch-up's, said to the member who asked (only they see it): "since your last message".
 */
export function rangeLabel(range: Range): string {
	switch (range.kind) {
		case "count":
			return `last ${plural(range.messages, "message")}`;
		case "since":
			return `last ${durationLabel(range.seconds).replace(/^1 /, "")}`;
		case "from":
			return "from a message to now";
		case "catchup":
			return "catching up";
		case "after":
			return "since your last message";
		case "joined":
			return "since you joined";
	}
}

const FOOTER_SEPARATOR = " · ";
const EXTRACTIVE_FOOTER = "extractive summary (no LLM)";

/** "gpt-4o-mini · 1,234 tokens · 3.2 s", "extractive summary (no LLM) · 0.4 s", then " · cached" when cached (and no tokens spent). */
export function footerText(footer: RenderContext["footer"]): string {
	const seconds = `${(footer.elapsedMs / 1000).toFixed(1)} s`;
	const tokens = footer.tokens ? [plural(footer.tokens, "token")] : [];
	const parts = footer.model === "extractive" ? [EXTRACTIVE_FOOTER, seconds] : [footer.model, ...tokens, seconds];
	return cut([...parts, ...(footer.cached ? ["cached"] : [])].join(FOOTER_SEPARATOR), LIMITS.footer);
}

/**
 * The model a rendered summary's footer names ("extractive" for the built-in summarizer; "unknown" when it
 * has no footer, which render never makes): a cached summary is kept as shown, so its footer is where its
 * buttons learn which summarizer made it.
 */
export function footerModel(embeds: readonly APIEmbed[] | undefined): string {
	const first = embeds?.at(-1)?.footer?.text.split(FOOTER_SEPARATOR)[0];
	return first === EXTRACTIVE_FOOTER ? "extractive" : first || "unknown";
}

/** A piece of the description that is never split: `body` may be cut if the whole is too long, the rest never. */
interface Block {
	head: string;
	body: string;
	tail: string;
}

/** The block as one text of at most `max` characters; a cut body is balanced again, as the cut may drop a closing marker. */
function fit(block: Block, max: number): string {
	const whole = `${block.head}${block.body}${block.tail}`;
	if (whole.length <= max) return whole;
	return `${block.head}${balance(cut(block.body, max - block.head.length - block.tail.length - BALANCE_GROWTH))}${block.tail}`;
}

/** Where Discord's client jumps to a message. */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
	return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}

/** " [1](…) [2](…)": the first message of each cited line, in conversation order, at most LINKS_PER_POINT. */
function jumpLinks(item: Cited, lines: Map<number, Line>, context: RenderContext): string {
	const cited = [...new Set(item.sources)]
		.flatMap((source) => lines.get(source) ?? [])
		.filter((line) => line.messageIds.length)
		.sort((a, b) => a.index - b.index);
	const links = cited
		.slice(0, LINKS_PER_POINT)
		.map((line, n) => `[${n + 1}](${messageLink(context.guildId, context.channelId, line.messageIds[0])})`);
	return links.length ? ` ${links.join(" ")}` : "";
}

/** A point as a bullet; a quoted one is someone's message as written, so it says whose. */
function pointBlock(point: Cited, quoted: boolean, lines: Map<number, Line>, context: RenderContext): Block {
	const author = quoted ? lines.get(point.sources[0])?.author : undefined;
	return {
		head: "• ",
		body: `${author ? `**${escapeName(author)}**: ` : ""}${inlineText(point.text)}`,
		tail: jumpLinks(point, lines, context),
	};
}

function pointBlocks(summary: Summary, lines: Map<number, Line>, context: RenderContext): Block[] {
	return summary.points.map((point) => pointBlock(point, summary.model === "extractive", lines, context));
}

/** The newest messages the LLM has not summarized yet, quoted, and how to have them summarized. */
function newestBlocks(summary: Summary, lines: Map<number, Line>, context: RenderContext): Block[] {
	if (!summary.newest) return [];
	const heading = `**Newest ${plural(summary.newest.messages, "message")}**, not summarized yet: *Refresh* adds them.\n`;
	const quotes = summary.newest.points.map((point) => pointBlock(point, true, lines, context));
	if (!quotes.length) return [{ head: heading, body: "*Nothing in them to quote.*", tail: "" }];
	return quotes.map((quote, i) => (i === 0 ? { ...quote, head: `${heading}${quote.head}` } : quote));
}

function actionBlocks(summary: Summary, lines: Map<number, Line>, context: RenderContext): Block[] {
	const items = summary.actionItems.map((item, i) => ({
		head: `${i === 0 ? "**Action items**\n" : ""}☐ `,
		body: `${inlineText(item.text)}${item.owner ? ` — **${escapeName(item.owner)}**` : ""}`,
		tail: jumpLinks(item, lines, context),
	}));
	return items.length || context.style !== "action_items"
		? items
		: [{ head: "**Action items**\n", body: "*None found in this range.*", tail: "" }];
}

/** "**12 participants:** alice (40), bob (22), … and 2 more". */
function participantsBlock(summary: Summary): Block[] {
	const { participants } = summary;
	if (!participants.length) return [];
	const shown = participants.slice(0, PARTICIPANTS_SHOWN).map((p) => `${escapeName(p.name)} (${thousands(p.messages)})`);
	const more = participants.length - shown.length;
	return [
		{
			head: `**${plural(participants.length, "participant")}:** `,
			body: `${shown.join(", ")}${more ? `, … and ${more} more` : ""}`,
			tail: "",
		},
	];
}

/** The links members posted: only under extractive summaries, where no LLM has woven them into the points. */
function linkBlocks(summary: Summary): Block[] {
	if (summary.model !== "extractive") return [];
	const links = summary.links.filter((link) => /^https?:\/\/\S+$/.test(link));
	const blocks = links.slice(0, LINKS_SHOWN).map((link, i) => ({ head: i === 0 ? "**Links**\n" : "", body: link, tail: "" }));
	const more = links.length - blocks.length;
	return more ? [...blocks, { head: "", body: `… and ${more} more`, tail: "" }] : blocks;
}

function blocks(summary: Summary, context: RenderContext): Block[] {
	const lines = new Map(context.lines.map((line) => [line.index, line]));
	const after = context.after ? ` after [your last message](${messageLink(context.guildId, context.channelId, context.after)})` : "";
	const intro: Block = { head: `<#${context.channelId}> · ${plural(context.messageCount, "message")}${after}`, body: "", tail: "" };
	const notice: Block[] = [
		...(summary.model === "extractive"
			? [
					{
						head: "",
						body: "*Extractive summary: messages selected from the conversation and quoted as written, not written by an LLM.*",
						tail: "",
					},
				]
			: []),
		...(context.spentBudget ? [{ head: "", body: budgetNotice(context.spentBudget), tail: "" }] : []),
	];
	const points = pointBlocks(summary, lines, context);
	const pointsOrNote = points.length ? points : [{ head: "", body: "*No notable points in this range.*", tail: "" }];
	const actions = actionBlocks(summary, lines, context);
	const body =
		context.style === "action_items"
			? [...actions, ...(points.length ? [{ ...points[0], head: `**Context**\n${points[0].head}` }, ...points.slice(1)] : [])]
			: [...pointsOrNote, ...actions];
	return [intro, ...notice, ...body, ...newestBlocks(summary, lines, context), ...participantsBlock(summary), ...linkBlocks(summary)];
}

/** Why a summary was made without (some of) the LLM's calls: whose daily budget, and when it renews. */
export function budgetNotice(spent: SpentBudget): string {
	const whose = spent.overall ? "Summary Bot's daily LLM budget for all servers" : "This server's daily LLM budget";
	const renews = `<t:${Math.floor(spent.renewsAt / 1000)}:R>`;
	const admin = spent.overall ? "" : " A server admin can change it with `/config set llm_tokens_per_day`.";
	return `*${whose} (${thousands(spent.limit)} tokens) is used up, so the LLM did not read this range's new messages. It renews ${renews}.${admin}*`;
}

function title(context: RenderContext, continued: boolean): string {
	const where = context.channelName ? ` of #${neutralizeMentions(context.channelName)}` : "";
	const base = `Summary${where} — ${context.rangeLabel}`;
	return continued ? `${cut(base, LIMITS.title - CONTINUED.length)}${CONTINUED}` : cut(base, LIMITS.title);
}

export function render(summary: Summary, context: RenderContext): RenderedMessage[] {
	const titles = { first: title(context, false), continued: title(context, true) };
	const footer = footerText(context.footer);
	// Every message could be the last, which carries the footer; no title is longer than the continued one.
	const room = Math.min(LIMITS.description, LIMITS.textPerMessage - titles.continued.length - footer.length);
	const descriptions = pack(blocks(summary, context), room, fit);
	const color = summary.model === "extractive" ? COLOR.extractive : COLOR.llm;
	return descriptions.map((description, i) => {
		const last = i === descriptions.length - 1;
		const embed: APIEmbed = {
			title: i === 0 ? titles.first : titles.continued,
			description,
			color,
			...(last ? { footer: { text: footer } } : {}),
		};
		return {
			// The edit also clears any progress text ("Reading messages…") from the original response.
			...(i === 0 ? { content: "" } : {}),
			embeds: [embed],
			...(last && context.components?.length ? { components: context.components } : {}),
			allowed_mentions: NO_MENTIONS,
		};
	});
}

/** A "couldn't summarize" answer, shaped like render's, so it is delivered (and replaces a result) the same way. */
export function errorMessage(text: string): RenderedMessage[] {
	return [{ content: cut(neutralizeMentions(text), LIMITS.content), embeds: [], components: [], allowed_mentions: NO_MENTIONS }];
}
