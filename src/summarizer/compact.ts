// Turns Discord messages into the compact, faithful lines the summarizers read: mentions resolved to
// names, emoji and attachments shortened, runs of one symbol cut to three, replies pointing at the
// line they answer, consecutive messages of one author merged. Ids cost many tokens and say nothing
// to a reader, so none survive in the text.
import { type APIAttachment, type APIMessage, type APIUser, MessageType } from "discord-api-types/payloads/v10";
import type { Line } from "../domain/line";
import { MINUTE_MS, SECOND_MS } from "../lib/time";

export interface CompactOptions {
	/** Members who opted out: their messages are left out. */
	excludedUserIds?: ReadonlySet<string>;
	names?: { roles?: ReadonlyMap<string, string>; channels?: ReadonlyMap<string, string> };
	/** Longer messages are cut, and the cut marked. */
	maxLineChars?: number;
}

/** Discord's own limit without Nitro: no message a member can normally send is cut. */
export const MAX_LINE_CHARS = 2000;
/** An author's messages this close to their previous one continue the same line. */
const MERGE_WITHIN_MS = 5 * MINUTE_MS;
const CONVERSATIONAL = new Set<MessageType>([MessageType.Default, MessageType.Reply]);

/** How compaction joins one author's consecutive messages into a line. */
export const MESSAGE_SEPARATOR = " / ";
/** The reply mark a message may start with (see replyMark): `>>12 `, or `↪ name: ` when the message answered is on no line. */
export const REPLY_MARK = /^(?:>>(\d+)|↪ ([^:]{1,64}):) /u;
// Names of images and videos a camera or the clipboard chose ("IMG_4821.jpg", "Screenshot 2026-11-20 at 14.32.05.png").
const GENERIC_MEDIA_NAME =
	/^(?:image|img|screenshot|screen shot|photo|pxl|dsc|vid|video|unknown|capture|clipboard|snapshot|untitled|at|[-_ .()\d])*\.\w+$/i;
// A symbol, an emoji or a custom emoji said more than three times in a row says no more than three.
const RUN = /(:[\w~-]+:|[^\p{L}\p{N}\s])(?:\s?\1){3,}/gu;

export function displayName(user: Pick<APIUser, "username" | "global_name">): string {
	return user.global_name || user.username;
}

function timeOf(message: APIMessage): number {
	return Date.parse(message.timestamp);
}

function attachmentText(file: APIAttachment): string {
	const kind = file.content_type?.split("/")[0];
	if (kind !== "image" && kind !== "video") return `[file: ${file.filename}]`;
	return GENERIC_MEDIA_NAME.test(file.filename) ? `[${kind}]` : `[${kind}: ${file.filename}]`;
}

/** The message's text with ids resolved to names; empty when there is nothing a reader would see. */
export function cleanText(message: APIMessage, options: CompactOptions = {}): string {
	const users = new Map((message.mentions ?? []).map((user) => [user.id, displayName(user)]));
	const text = (message.content ?? "")
		.replace(/<@!?(\d+)>/g, (_, id: string) => `@${users.get(id) ?? "user"}`)
		.replace(/<@&(\d+)>/g, (_, id: string) => `@${options.names?.roles?.get(id) ?? "role"}`)
		.replace(/<#(\d+)>/g, (_, id: string) => `#${options.names?.channels?.get(id) ?? "channel"}`)
		.replace(/<a?(:\w+:)\d+>/g, "$1")
		.replace(/<t:(\d+)(?::\w)?>/g, (_, seconds: string) =>
			new Date(Number(seconds) * SECOND_MS).toISOString().slice(0, 16).replace("T", " "),
		)
		.replace(RUN, (_, unit: string) => unit.repeat(3))
		.replace(/\s+/g, " ")
		.trim();
	const extras = [
		...(message.attachments ?? []).map(attachmentText),
		...(message.sticker_items ?? []).map((sticker) => `[sticker: ${sticker.name}]`),
	];
	return extras.length ? [text, ...extras].filter(Boolean).join(" ") : text;
}

/**
 * How a reply starts: `>>12 ` answers a message on line 12 (two tokens, and a convention models know);
 * `↪ name: ` answers one that is on no line (a bot's, or from before the range).
 */
function replyMark(message: APIMessage, lineOf: ReadonlyMap<string, number>, excluded: ReadonlySet<string> | undefined): string {
	if (message.type !== MessageType.Reply) return "";
	const target = message.message_reference?.message_id ?? message.referenced_message?.id;
	const line = target === undefined ? undefined : lineOf.get(target);
	if (line !== undefined) return `>>${line} `;
	const author = message.referenced_message?.author;
	// A member who opted out is not named for having been answered either.
	return author && !excluded?.has(author.id) ? `↪ ${displayName(author)}: ` : "";
}

/**
 * A line's text with its replies to lines the reader can't see written `↪ name: `, as compaction writes a
 * reply to a message on no line: for people (no line is visible) and for a chunk the model reads alone.
 */
export function nameReplies(text: string, authorAt: ReadonlyMap<number, string>, visible: (line: number) => boolean = () => false): string {
	return text
		.split(MESSAGE_SEPARATOR)
		.map((message) =>
			message.replace(REPLY_MARK, (mark, line: string | undefined, name: string | undefined) =>
				line !== undefined && visible(Number(line)) ? mark : `↪ ${name ?? authorAt.get(Number(line)) ?? "…"}: `,
			),
		)
		.join(MESSAGE_SEPARATOR);
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
	const lineOf = new Map<string, number>();
	let lastTime = -Infinity;
	for (const message of ordered) {
		if (!CONVERSATIONAL.has(message.type) || message.author.bot || message.webhook_id) continue;
		if (options.excludedUserIds?.has(message.author.id)) continue;
		const body = cleanText(message, options);
		if (!body) continue;
		const reply = replyMark(message, lineOf, options.excludedUserIds);
		const text = cut(reply + body, max);
		const last = lines.at(-1);
		const time = timeOf(message);
		const gap = time - lastTime;
		lastTime = time;
		if (last?.authorId === message.author.id && gap < MERGE_WITHIN_MS && last.text.length + MESSAGE_SEPARATOR.length + text.length <= max) {
			last.text += MESSAGE_SEPARATOR + text;
			last.messageIds.push(message.id);
			lineOf.set(message.id, last.index);
			continue;
		}
		lineOf.set(message.id, lines.length);
		lines.push({
			index: lines.length,
			messageIds: [message.id],
			authorId: message.author.id,
			author: displayName(message.author),
			time,
			text,
		});
	}
	return lines;
}

/** One line as the LLM reads it: `n author: text`; citations refer to n. A bare number costs one token, "[n]" three. */
export function renderLine(line: Line): string {
	return `${line.index} ${line.author}: ${line.text}`;
}

/**
 * The naive rendering compaction is measured against: `author: content`, one line per message, with
 * each attachment's URL (all a message with only a picture has to show).
 */
export function naiveRender(messages: APIMessage[]): string {
	return messages
		.map((message) => [`${message.author.username}: ${message.content}`, ...(message.attachments ?? []).map((file) => file.url)].join(" "))
		.join("\n");
}
