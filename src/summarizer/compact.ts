// Turns Discord messages into the compact, faithful lines the summarizers read: mentions resolved to
// names, emoji and attachments shortened, replies marked, consecutive messages of one author merged.
// Ids cost many tokens and say nothing to a reader, so none survive in the text.
import { MessageType, type APIMessage, type APIUser } from "discord-api-types/v10";
import type { Line } from "./line";

export interface CompactOptions {
	/** Members who opted out: their messages are left out. */
	excludedUserIds?: ReadonlySet<string>;
	names?: { roles?: ReadonlyMap<string, string>; channels?: ReadonlyMap<string, string> };
	/** Longer messages are cut, and the cut marked. */
	maxLineChars?: number;
}

export const MAX_LINE_CHARS = 1500;
/** Messages of one author this close together read as one. */
const MERGE_WITHIN_MS = 5 * 60 * 1000;
const CONVERSATIONAL = new Set<MessageType>([MessageType.Default, MessageType.Reply]);

export function displayName(user: Pick<APIUser, "username" | "global_name">): string {
	return user.global_name || user.username;
}

function timeOf(message: APIMessage): number {
	return Date.parse(message.timestamp);
}

/** The message's text with ids resolved to names; empty when there is nothing a reader would see. */
export function cleanText(message: APIMessage, options: CompactOptions = {}): string {
	const users = new Map((message.mentions ?? []).map((user) => [user.id, displayName(user)]));
	let text = (message.content ?? "")
		.replace(/<@!?(\d+)>/g, (_, id: string) => `@${users.get(id) ?? "user"}`)
		.replace(/<@&(\d+)>/g, (_, id: string) => `@${options.names?.roles?.get(id) ?? "role"}`)
		.replace(/<#(\d+)>/g, (_, id: string) => `#${options.names?.channels?.get(id) ?? "channel"}`)
		.replace(/<a?(:\w+:)\d+>/g, "$1")
		.replace(/<t:(\d+)(?::\w)?>/g, (_, seconds: string) => new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " "))
		.replace(/\s+/g, " ")
		.trim();
	const extras = [
		...(message.attachments ?? []).map((file) => `[${file.content_type?.startsWith("image/") ? "image" : "file"}: ${file.filename}]`),
		...(message.sticker_items ?? []).map((sticker) => `[sticker: ${sticker.name}]`),
	];
	if (extras.length) text = [text, ...extras].filter(Boolean).join(" ");
	const replyTo = message.type === MessageType.Reply ? message.referenced_message?.author : undefined;
	return text && replyTo ? `↪ ${displayName(replyTo)}: ${text}` : text;
}

function cut(text: string, max: number): string {
	if (text.length <= max) return text;
	const marker = " …[cut]";
	const end = text.lastIndexOf(" ", max - marker.length);
	return `${text.slice(0, end > max / 2 ? end : max - marker.length)}${marker}`;
}

export function compact(messages: APIMessage[], options: CompactOptions = {}): Line[] {
	const max = options.maxLineChars ?? MAX_LINE_CHARS;
	const ordered = [...messages].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
	const lines: Line[] = [];
	for (const message of ordered) {
		if (!CONVERSATIONAL.has(message.type) || message.author.bot || message.webhook_id) continue;
		if (options.excludedUserIds?.has(message.author.id)) continue;
		const text = cut(cleanText(message, options), max);
		if (!text) continue;
		const last = lines.at(-1);
		const time = timeOf(message);
		if (last && last.authorId === message.author.id && time - last.time < MERGE_WITHIN_MS && last.text.length + text.length + 3 <= max) {
			last.text = `${last.text} / ${text}`;
			last.messageIds.push(message.id);
			continue;
		}
		lines.push({ index: lines.length, messageIds: [message.id], authorId: message.author.id, author: displayName(message.author), time, text });
	}
	return lines;
}

/** One line as the LLM reads it: `n author: text`; citations refer to n. A bare number costs one token, "[n]" three. */
export function renderLine(line: Line): string {
	return `${line.index} ${line.author}: ${line.text}`;
}

/** The naive rendering compaction is measured against: `author: content`, one line per message. */
export function naiveRender(messages: APIMessage[]): string {
	return messages.map((message) => `${message.author.username}: ${message.content}`).join("\n");
}
