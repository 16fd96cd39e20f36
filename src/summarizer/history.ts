// Reads the messages of a range from Discord's REST API. Small ranges are one page or a walk of pages;
// large ones are read as disjoint snowflake windows in parallel (the REST client keeps to the rate
// limits), since one page after another takes ~100 ms each: 10 s for 10,000 messages.
import type { APIMessage } from "discord-api-types/v10";
import { MESSAGES } from "../domain/limits";
import type { Range } from "../domain/job";
import { SECOND_MS } from "../lib/time";

const DISCORD_EPOCH = 1_420_070_400_000n;
const PAGE = 100;

/** The smallest snowflake of a moment: every message sent at or after `ms` has an id at least this. */
export function snowflakeAt(ms: number): bigint {
	return (BigInt(ms) - DISCORD_EPOCH) << 22n;
}

export function timeOf(id: bigint): number {
	return Number((id >> 22n) + DISCORD_EPOCH);
}

export interface HistoryOptions {
	/** GET a path of Discord's API (the REST client's `get`). */
	get: <T>(path: string) => Promise<T>;
	/** Windows read at once for large ranges. */
	parallelism?: number;
	onProgress?: (fetched: number, expected: number) => void;
}

/** The ids a range covers, as [start, end), and how many of its newest messages to keep at most. */
export function bounds(range: Range, requestedAt: number): { start: bigint; end: bigint; cap: number } {
	// Messages sent after the request are not part of it: the cache key named the channel as it was then.
	const end = snowflakeAt(requestedAt + 1);
	switch (range.kind) {
		case "count":
			return { start: 0n, end, cap: range.messages };
		case "since":
			return { start: snowflakeAt(requestedAt - range.seconds * SECOND_MS), end, cap: range.maxMessages };
		case "from":
			return { start: BigInt(range.messageId), end, cap: MESSAGES.max };
	}
}

/** The messages of `range` in `channelId`, oldest first. */
export async function fetchHistory(channelId: string, range: Range, requestedAt: number, options: HistoryOptions): Promise<APIMessage[]> {
	const { start, end, cap } = bounds(range, requestedAt);
	const found = new Map<bigint, APIMessage>();
	const page = async (cursor: string) => {
		const messages = await options.get<APIMessage[]>(`/channels/${channelId}/messages?limit=${PAGE}&${cursor}`);
		for (const message of messages) {
			const id = BigInt(message.id);
			if (id >= start && id < end) found.set(id, message);
		}
		options.onProgress?.(Math.min(found.size, cap), cap);
		const ids = messages.map((message) => BigInt(message.id));
		return { full: messages.length === PAGE, oldest: ids.length ? min(ids) : start, newest: ids.length ? max(ids) : end };
	};

	const newest = await page(`before=${end}`);
	if (newest.full && newest.oldest > start && found.size < cap) {
		await readWindows(page, start, newest, cap - found.size, options.parallelism ?? 4);
		// Older messages than the windows reached, when the estimate fell short: walk back page by page.
		for (let cursor = min([newest.oldest, ...found.keys()]); found.size < cap && cursor > start; ) {
			const older = await page(`before=${cursor}`);
			if (!older.full) break;
			cursor = older.oldest;
		}
	}
	const ids = [...found.keys()].sort((a, b) => (a < b ? -1 : 1)).slice(-cap);
	return ids.map((id) => found.get(id)!);
}

type Page = (cursor: string) => Promise<{ full: boolean; oldest: bigint; newest: bigint }>;

/**
 * Reads below the newest page in parallel windows, sized from the newest page's pace: if 100 messages
 * took an hour, `needed` more reach back about `needed` / 100 hours; a channel that was quieter before
 * leaves the windows short, and the caller walks back for the rest.
 */
async function readWindows(page: Page, start: bigint, newest: { oldest: bigint; newest: bigint }, needed: number, parallelism: number) {
	const pace = Math.max(1000, timeOf(newest.newest) - timeOf(newest.oldest));
	const reach = BigInt(Math.ceil((pace * needed * 1.05) / PAGE)) << 22n;
	const from = max([start, newest.oldest - reach]);
	const count = Math.max(1, Math.min(parallelism, Math.ceil(needed / PAGE)));
	const width = (newest.oldest - from) / BigInt(count) + 1n;
	await Promise.all(
		Array.from({ length: count }, async (_, i) => {
			const windowEnd = min([from + width * BigInt(i + 1), newest.oldest]);
			let cursor = max([0n, from + width * BigInt(i) - 1n]);
			for (let read = 0; read < needed; read += PAGE) {
				const after = await page(`after=${cursor}`);
				if (!after.full || after.newest >= windowEnd) break;
				cursor = after.newest;
			}
		}),
	);
}

function min(values: bigint[]): bigint {
	return values.reduce((a, b) => (b < a ? b : a));
}

function max(values: bigint[]): bigint {
	return values.reduce((a, b) => (b > a ? b : a));
}
