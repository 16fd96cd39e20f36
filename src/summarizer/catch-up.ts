// Where a member's catch-up starts, and its messages: the channel read back from its newest message a page
// at a time, until the member's last message, the moment they joined, or the end of the reach (14 days,
// the newest 10,000). The pages read are the range's own, kept for its summary: nothing is read twice.
// The read is sequential, since no page says where the member last wrote until it shows it, and most
// catch-ups start a few pages back.
import { type APIMessage, MessageType } from "discord-api-types/payloads/v10";
import type { Range } from "../domain/job";
import { MAX_SINCE_SECONDS, MESSAGES } from "../domain/limits";
import { snowflakeAt } from "../domain/snowflake";
import { bounds, type HistoryOptions, PAGE } from "./history";

type CatchUpRange = Extract<Range, { kind: "catchup" }>;

export interface CatchUp {
	/**
	 * The range it resolves to, naming exactly `messages` (history.ts's bounds): after the member's last
	 * message, since they joined, or the last 14 days (as `/summarize since:14d`, whose summary it shares).
	 */
	range: Extract<Range, { kind: "after" | "joined" | "since" }>;
	/** Oldest first. */
	messages: APIMessage[];
}

/** The last 14 days, the newest 10,000 of them: the reach, when it holds no message of the member's nor their joining. */
const REACH: CatchUp["range"] = { kind: "since", seconds: MAX_SINCE_SECONDS, maxMessages: MESSAGES.max };
const WRITTEN = new Set<MessageType>([MessageType.Default, MessageType.Reply]);

/** A message the member wrote: not the system's notice that they joined, pinned or started a thread. */
function isTheirs(message: APIMessage, userId: string): boolean {
	return message.author.id === userId && WRITTEN.has(message.type);
}

const newestFirst = (a: APIMessage, b: APIMessage) => (BigInt(a.id) > BigInt(b.id) ? -1 : 1);

/**
 * The catch-up `range` asks for in `channelId`. A message of the member's from before they joined (they
 * left and came back) is not looked for past their joining: that would read up to 14 days for every
 * member new to the server.
 */
export async function readCatchUp(
	channelId: string,
	range: CatchUpRange,
	requestedAt: number,
	options: Pick<HistoryOptions, "get" | "newestId"> & { onProgress?: (read: number) => void },
): Promise<CatchUp> {
	const { start, end, cap } = bounds(range, requestedAt, options.newestId);
	const joined = snowflakeAt(range.joinedAt);
	const read: APIMessage[] = [];
	const ending = (): CatchUp => ({ range: joined > start ? { kind: "joined", at: range.joinedAt } : REACH, messages: read.reverse() });
	let cursor = end;
	for (;;) {
		const page = await options.get<APIMessage[]>(`/channels/${channelId}/messages?limit=${PAGE}&before=${cursor}`);
		const sorted = [...page].sort(newestFirst);
		for (const message of sorted) {
			const id = BigInt(message.id);
			if (id < start || id < joined) return ending();
			if (isTheirs(message, range.userId)) return { range: { kind: "after", messageId: message.id }, messages: read.reverse() };
			read.push(message);
			if (read.length === cap) return { range: REACH, messages: read.reverse() };
		}
		if (page.length < PAGE) return ending();
		options.onProgress?.(read.length);
		cursor = BigInt(sorted[sorted.length - 1].id);
	}
}
