// Turns a Summary into Discord messages: embeds with jump links to the messages each point rests on,
// kept inside Discord's limits by splitting into follow-up messages rather than dropping anything.
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from "discord-api-types/v10";
import type { Range } from "../summarizer/job";
import type { Line } from "../summarizer/line";
import type { Cited, Summary } from "../summarizer/summary";

export interface RenderContext {
	guildId: string;
	channelId: string;
	rangeLabel: string;
	messageCount: number;
	/** The lines the summary cites, for jump links. */
	lines: Line[];
	footer: { model: string; tokens: number; elapsedMs: number; cached: boolean };
	/** Buttons, under the last message. */
	components?: APIActionRowComponent<APIButtonComponent>[];
}

export interface RenderedMessage {
	embeds: APIEmbed[];
	components?: APIActionRowComponent<APIButtonComponent>[];
}

/** Discord's limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const LIMITS = { description: 4096, embedsPerMessage: 10, textPerMessage: 6000 };
const LINKS_PER_POINT = 3;
const COLOR = 0x5865f2;

function plural(count: number, word: string): string {
	return `${count.toLocaleString("en-US")} ${word}${count === 1 ? "" : "s"}`;
}

export function durationLabel(seconds: number): string {
	const units: [number, string][] = [[604_800, "week"], [86_400, "day"], [3600, "hour"], [60, "minute"]];
	const [size, word] = units.find(([size]) => seconds % size === 0 && seconds >= size) ?? [60, "minute"];
	return plural(Math.round(seconds / size), word);
}

export function rangeLabel(range: Range): string {
	switch (range.kind) {
		case "count":
			return `last ${plural(range.messages, "message")}`;
		case "since":
			return `last ${durationLabel(range.seconds)}`;
		case "from":
			return "from a message to now";
	}
}

/** Mentions never ping (allowed_mentions), but "@everyone" should not even look like one. */
function safe(text: string): string {
	return text.replace(/!\[[^\]]*\]\([^)]*\)/g, "").replace(/@(everyone|here)\b/g, "@\u200b$1");
}

function jumpLinks(item: Cited, context: RenderContext): string {
	const byIndex = new Map(context.lines.map((line) => [line.index, line]));
	const links = [...new Set(item.sources)]
		.slice(0, LINKS_PER_POINT)
		.flatMap((source, n) => {
			const line = byIndex.get(source);
			return line ? [`[${n + 1}](https://discord.com/channels/${context.guildId}/${context.channelId}/${line.messageIds[0]})`] : [];
		});
	return links.length ? ` ${links.join(" ")}` : "";
}

function blocks(summary: Summary, context: RenderContext): string[] {
	const extractive = summary.model === "extractive";
	const out = [`<#${context.channelId}> · ${context.rangeLabel} · ${plural(context.messageCount, "message")}`];
	if (extractive) out.push("*Extractive summary: the most informative messages as they were written, not an LLM's words.*");
	out.push(...summary.points.map((point) => `• ${safe(point.text)}${jumpLinks(point, context)}`));
	if (summary.actionItems.length) {
		out.push("**Action items**");
		out.push(...summary.actionItems.map((item) => `☐ ${safe(item.text)}${item.owner ? ` — **${safe(item.owner)}**` : ""}${jumpLinks(item, context)}`));
	}
	if (extractive && summary.participants.length) {
		const names = summary.participants.slice(0, 10).map((p) => `${p.name} (${p.messages})`).join(", ");
		out.push(`**${plural(summary.participants.length, "participant")}:** ${safe(names)}${summary.participants.length > 10 ? ", …" : ""}`);
	}
	if (extractive && summary.links.length) out.push(`**Links:** ${summary.links.slice(0, 10).join(" · ")}`);
	return out;
}

/** Cuts text to `max` characters without splitting a surrogate pair or a markdown link. */
function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = max - 1;
	if (/[\uD800-\uDBFF]/.test(text[end - 1])) end--;
	const openLink = text.lastIndexOf("[", end);
	if (openLink > text.lastIndexOf(")", end)) end = openLink;
	return `${text.slice(0, end).trimEnd()}…`;
}

function footerText(footer: RenderContext["footer"]): string {
	const seconds = `${(footer.elapsedMs / 1000).toFixed(1)} s`;
	const parts = footer.model === "extractive" ? ["extractive summary (no LLM)", seconds] : [footer.model, plural(footer.tokens, "token"), seconds];
	return [...parts, ...(footer.cached ? ["cached"] : [])].join(" · ");
}

function embedSize(embed: APIEmbed): number {
	return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
}

export function render(summary: Summary, context: RenderContext): RenderedMessage[] {
	const descriptions: string[] = [""];
	for (const block of blocks(summary, context).map((b) => truncate(b, LIMITS.description))) {
		const current = descriptions.at(-1)!;
		if (current && current.length + 1 + block.length > LIMITS.description) descriptions.push(block);
		else descriptions[descriptions.length - 1] = current ? `${current}\n${block}` : block;
	}
	const embeds: APIEmbed[] = descriptions.map((description, i) => ({
		title: i === 0 ? "Summary" : "Summary (continued)",
		description,
		color: COLOR,
	}));
	embeds[embeds.length - 1].footer = { text: footerText(context.footer) };

	const messages: RenderedMessage[] = [{ embeds: [] }];
	for (const embed of embeds) {
		const current = messages.at(-1)!;
		const size = current.embeds.reduce((sum, e) => sum + embedSize(e), 0);
		if (current.embeds.length && (current.embeds.length >= LIMITS.embedsPerMessage || size + embedSize(embed) > LIMITS.textPerMessage)) {
			messages.push({ embeds: [embed] });
		} else current.embeds.push(embed);
	}
	if (context.components?.length) messages[messages.length - 1].components = context.components;
	return messages;
}
