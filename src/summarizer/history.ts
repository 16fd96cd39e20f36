// Reads exactly the messages of a range from Discord's REST API: the newest `cap` of those from the
// range's start to the request. Discord pages 100 messages at a time, ~100 ms a page, so a large range is
// read as disjoint id segments in parallel (the REST client keeps to the rate limits), each backwards from
// its newest message. Segments are sized from the pace the channel has shown so far, and one is read only
// while the newer ones may not hold enough: a quiet week above a busy sprint, or a burst above a quiet
// month, is read whole where the range needs it and no further.
import type { APIMessage } from "discord-api-types/v10";
import type { Range } from "../domain/job";
import { MESSAGES } from "../domain/limits";
import { snowflakeAt, timeOf } from "../domain/snowflake";
import { SECOND_MS } from "../lib/time";

/** Discord's most messages a page. */
const PAGE = 100;

export interface HistoryOptions {
	/** GET a path of Discord's API (the REST client's `get`). */
	get: <T>(path: string) => Promise<T>;
	/** Windows read at once for large ranges. */
	parallelism?: number;
	onProgress?: (fetched: number, expected: number) => void;
	/**
	 * The channel's newest message when the range was asked, if Discord said: the range ends there, so a
	 * summary holds exactly the messages its cache key names, whenever its job reads them.
	 */
	newestId?: string;
}

/** The ids a range covers, as [start, end), and how many of its newest messages to keep at most. */
export function bounds(range: Range, requestedAt: number, newestId?: string): { start: bigint; end: bigint; cap: number } {
	// Messages sent after the request are not part of it: the cache key named the channel as it was then.
	const byClock = snowflakeAt(requestedAt + 1);
	const end = newestId && BigInt(newestId) < byClock ? BigInt(newestId) + 1n : byClock;
	switch (range.kind) {
		case "count":
			return { start: 0n, end, cap: range.messages };
		case "since":
			return { start: snowflakeAt(requestedAt - range.seconds * SECOND_MS), end, cap: range.maxMessages };
		case "from":
			return { start: BigInt(range.messageId), end, cap: MESSAGES.max };
	}
}

/** Segments read at once, by default. */
const PARALLELISM = 4;
/** Reach a little past the pace's estimate, so that the common case needs one wave of segments. */
const REACH_MARGIN = 1.1;
const ONE_SECOND = 1000n << 22n;

/** Ids from `lo` up to `hi` (excluded), read newest first; `cursor` is where the next page starts. */
interface Segment {
	lo: bigint;
	hi: bigint;
	cursor: bigint;
	/** Messages of this segment read so far. */
	read: number;
	done: boolean;
	/** The newest message older than `lo`, when a page showed one; null when the channel has none. */
	below?: bigint | null;
}

/** The messages of `range` in `channelId`, oldest first. */
export async function fetchHistory(channelId: string, range: Range, requestedAt: number, options: HistoryOptions): Promise<APIMessage[]> {
	const { start, end, cap } = bounds(range, requestedAt, options.newestId);
	const found = new Map<bigint, APIMessage>();
	const step = async (segment: Segment) => {
		const messages = await options.get<APIMessage[]>(`/channels/${channelId}/messages?limit=${PAGE}&before=${segment.cursor}`);
		const ids = messages.map((message) => BigInt(message.id));
		const older = ids.filter((id) => id < segment.lo);
		messages.forEach((message, i) => {
			if (ids[i] >= segment.lo) found.set(ids[i], message);
		});
		segment.read += ids.length - older.length;
		if (messages.length < PAGE || older.length) {
			segment.done = true;
			segment.below = older.length ? max(older) : null;
		} else {
			segment.cursor = min(ids);
		}
		options.onProgress?.(Math.min(found.size, cap), cap);
	};

	// The newest page first: most ranges end there.
	const newest: Segment = { lo: start, hi: end, cursor: end, read: 0, done: false };
	await step(newest);
	let counted = newest.read;
	let top = newest.cursor;
	let msPerMessage = newest.read ? (timeOf(end) - timeOf(top)) / newest.read : 0;
	while (!newest.done && counted < cap && top > start) {
		const remaining = cap - counted;
		const reach = max([ONE_SECOND, BigInt(Math.ceil(remaining * msPerMessage * REACH_MARGIN)) << 22n]);
		const lo = max([start, top - reach]);
		const segments = split(lo, top, Math.min(options.parallelism ?? PARALLELISM, Math.ceil(remaining / PAGE)));
		await readWave(segments, remaining, step);
		const read = segments.reduce((sum, segment) => sum + segment.read, 0);
		counted += read;
		// A segment left unread means the newer ones held all the range needs.
		if (segments.some((segment) => !segment.done)) break;
		const below = segments[segments.length - 1].below;
		if (below === null || below === undefined) break;
		// Nothing lies between the newest message below the wave and the wave: the next one starts there.
		top = below + 1n;
		msPerMessage = read ? (timeOf(segments[0].hi) - timeOf(lo)) / read : 2 * Math.max(msPerMessage, 1);
	}
	const ids = [...found.keys()].sort((a, b) => (a < b ? -1 : 1)).slice(-cap);
	return ids.map((id) => found.get(id) as APIMessage);
}

/** `[lo, hi)` in `count` segments of equal width, newest first. */
function split(lo: bigint, hi: bigint, count: number): Segment[] {
	const width = (hi - lo + BigInt(count) - 1n) / BigInt(count);
	return Array.from({ length: count }, (_, i) => {
		const segmentHi = hi - width * BigInt(i);
		return { lo: max([lo, segmentHi - width]), hi: segmentHi, cursor: segmentHi, read: 0, done: false };
	}).filter((segment) => segment.hi > segment.lo);
}

/**
 * What a segment will hold, judged from what it has read: its count once done, else its density so far
 * over its whole width (nothing known yet counts as nothing).
 */
function estimate(segment: Segment): number {
	if (segment.done || !segment.read) return segment.read;
	return (segment.read * Number(segment.hi - segment.lo)) / Number(segment.hi - segment.cursor);
}

/**
 * Reads the segments, a page from each due one at a time, until the newest `remaining` messages of their
 * span are read. A segment is due while it and the newer ones have read fewer than `remaining`, and the
 * newer ones don't look likely to hold them; the newest segment not done always is, so every round makes
 * progress, and when none is due, the segments newer than the first one left are complete and that one
 * was read from its top: the newest `remaining` are all read.
 */
async function readWave(segments: Segment[], remaining: number, step: (segment: Segment) => Promise<void>): Promise<void> {
	for (;;) {
		const due: Segment[] = [];
		let newerRead = 0;
		let newerExpected = 0;
		for (const segment of segments) {
			if (newerRead + segment.read >= remaining || newerExpected >= remaining) break;
			if (!segment.done) due.push(segment);
			newerRead += segment.read;
			newerExpected += estimate(segment);
		}
		if (!due.length) return;
		await Promise.all(due.map(step));
	}
}

// Snowflakes are bigints, which Math.min and Math.max don't take.
function min(values: bigint[]): bigint {
	// biome-ignore lint/complexity/useMathMinMax: bigints
	return values.reduce((a, b) => (b < a ? b : a));
}

function max(values: bigint[]): bigint {
	// biome-ignore lint/complexity/useMathMinMax: bigints
	return values.reduce((a, b) => (b > a ? b : a));
}
