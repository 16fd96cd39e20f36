// Discord's size limits for messages and embeds, and the two ways the bot stays inside them: cutting one
// text safely, and packing whole blocks of text into descriptions. Pure; render.ts decides what goes in.
import type { APIEmbed } from "discord-api-types/v10";

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const LIMITS = {
	title: 256,
	description: 4096,
	fieldName: 256,
	fieldValue: 1024,
	footer: 2048,
	authorName: 256,
	/** All the text of all the embeds of one message, as embedText counts it. */
	textPerMessage: 6000,
	embedsPerMessage: 10,
	content: 2000,
} as const;

/** The text Discord counts against `textPerMessage`. */
export function embedText(embed: APIEmbed): number {
	const fields = (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
	return (
		(embed.title?.length ?? 0) +
		(embed.description?.length ?? 0) +
		fields +
		(embed.footer?.text.length ?? 0) +
		(embed.author?.name.length ?? 0)
	);
}

// Markdown links, <…> tokens (mentions, channels, timestamps, custom emoji) and bare URLs: cut in half,
// each would show raw markup or, worse, point somewhere else.
const UNBREAKABLE = /!?\[[^\]\n]*\]\([^)\s]*\)|<[^<>\s]{1,100}>|https?:\/\/[^\s<>]+/g;

/** Where the unbreakable pieces of `text` are, as [start, end) pairs in order. */
export function unbreakable(text: string): [number, number][] {
	return [...text.matchAll(UNBREAKABLE)].map((match) => [match.index, match.index + match[0].length]);
}

// Made on first use: a Segmenter loads the locale's break rules, ~10 ms of a cold isolate's startup otherwise.
let segmenter: Intl.Segmenter | undefined;
function graphemes(): Intl.Segmenter | undefined {
	if (typeof Intl.Segmenter !== "function") return undefined;
	segmenter ??= new Intl.Segmenter("en", { granularity: "grapheme" });
	return segmenter;
}

/** The nearest position at or before `end` that splits no character: no surrogate pair, no emoji sequence. */
function characterBoundary(text: string, end: number): number {
	const segments = graphemes();
	if (segments) return segments.segment(text).containing(end)?.index ?? end;
	const code = text.charCodeAt(end - 1);
	return code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
}

/** Where to cut `text` to keep at most `end` characters: before any piece that would straddle the cut. */
function safeEnd(text: string, end: number): number {
	const spans = unbreakable(text);
	for (let previous = -1; previous !== end; ) {
		previous = end;
		const straddling = spans.find(([start, stop]) => start < end && stop > end);
		if (straddling) end = straddling[0];
		end = characterBoundary(text, end);
	}
	return end;
}

/** `text` in at most `max` characters, ending with "…" when cut; cut between words when one is near. */
export function cut(text: string, max: number): string {
	if (text.length <= max) return text;
	if (max < 1) return "";
	let end = max - 1;
	const space = text.lastIndexOf(" ", end);
	if (space > end * 0.8) end = space;
	return `${text.slice(0, safeEnd(text, end)).trimEnd()}…`;
}

/**
 * Joins items, one per line, into as few texts of at most `max` characters as it can. `fit` gives an item
 * as text in at most `room` characters (all of it when it fits). An item is never split between texts:
 * it moves whole to the next one. Only an item too long for a whole text is cut, and then to the room left
 * in the current text when that is most of a text, so that a short line before it isn't left alone.
 */
export function pack<T>(items: T[], max: number, fit: (item: T, room: number) => string): string[] {
	const texts: string[] = [];
	let current = "";
	for (const item of items) {
		const whole = fit(item, Infinity);
		const room = current ? max - current.length - 1 : max;
		let text = whole.length <= room ? whole : whole.length > max && room >= max / 2 ? fit(item, room) : undefined;
		if (text === undefined) {
			texts.push(current);
			current = "";
			text = whole.length <= max ? whole : fit(item, max);
		}
		// A fit that can't keep to its room (its fixed parts alone too long) is cut anyway: limits come first.
		text = cut(text, current ? max - current.length - 1 : max);
		current = current ? `${current}\n${text}` : text;
	}
	return [...texts, current];
}
