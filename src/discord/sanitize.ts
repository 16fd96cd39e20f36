// Makes text written by an LLM or by members safe to show in the bot's embeds. allowed_mentions already
// stops every ping; this stops what could still mislead or break the layout, and escapes nothing else.
import { unbreakable } from "./limits";

const IMAGE = /!\[[^\]\n]*\]\([^)\n]*\)/g;
// [label](url), with the optional <url> and "title" forms.
const MASKED_LINK = /\[([^\]\n]*)\]\(\s*<?(https?:\/\/[^)\s>]+)>?(?:\s+"[^"\n]*")?\s*\)/g;
const MASS_MENTION = /@(everyone|here)\b/gi;

/**
 * "@everyone" and "@here" get a zero-width space, so they don't even look like a ping. User and role
 * mentions (<@id>, <@&id>) stay: they show as names, which is what a summary means by them, and they
 * can't ping: mentions in embeds never do, and allowed_mentions is empty besides.
 */
export function neutralizeMentions(text: string): string {
	return text.replace(MASS_MENTION, "@\u200b$1");
}

/**
 * A masked link shows its target in the open: "[1](https://evil.example)" in a point could pass for
 * one of the bot's own source links, and "[docs.example](https://evil.example)" lies about where it goes.
 */
function unmask(_match: string, label: string, url: string): string {
	const text = label.trim();
	return !text || text === url ? url : `${text} (${url})`;
}

/**
 * A point's or action item's text as one line: images dropped (an embed can't show them and their link
 * text is a trap), links unmasked, mass mentions neutralized, code fences made inline, markers balanced.
 */
export function inlineText(text: string): string {
	const flat = text
		.replace(IMAGE, "")
		.replace(MASKED_LINK, unmask)
		.replace(/```+/g, "`")
		.replace(/\s*\n\s*/g, " ")
		.replace(/ {2,}/g, " ")
		.trim();
	return balance(neutralizeMentions(flat));
}

/** A name (member, owner, channel) as plain text: its markdown characters would format the line around it. */
export function escapeName(name: string): string {
	return neutralizeMentions(name.replace(/\s+/g, " ").trim()).replace(/[\\*_~`|]/g, "\\$&");
}

// Longest first, so "**" is never counted as two "*" (single "*" and "_" need word boundaries to format,
// so an odd one rarely reaches the next line; these do).
const MARKERS = ["||", "~~", "__", "**", "`"];

/** Positions of `marker` in `text` outside links, URLs and mentions, where it can't format anything. */
function markerPositions(text: string, marker: string): number[] {
	const spans = unbreakable(text);
	const positions: number[] = [];
	for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) {
		const escaped = text[at - 1] === "\\";
		if (!escaped && !spans.some(([start, end]) => at >= start && at < end)) positions.push(at);
	}
	return positions;
}

/**
 * Escapes the last of any marker left open (bold, underline, strike, spoiler, code): Discord's markers span
 * lines, so one open marker would format every point after it, source links included. Adds at most
 * BALANCE_GROWTH characters.
 */
export function balance(text: string): string {
	let out = text;
	for (const marker of MARKERS) {
		const positions = markerPositions(out, marker);
		if (positions.length % 2 === 0) continue;
		const at = positions.at(-1)!;
		out = `${out.slice(0, at)}${marker.replace(/./g, "\\$&")}${out.slice(at + marker.length)}`;
	}
	return out;
}

export const BALANCE_GROWTH = MARKERS.reduce((sum, marker) => sum + marker.length, 0);
