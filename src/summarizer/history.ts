// Reads exactly the messages of a range from Discord's REST API: the newest `cap` of those from the
// range's start to the request. Discord pages 100 messages at a time, ~100 ms a page, so a large range is
// read as disjoint id segments in parallel (the REST client keeps to the rate limits), each backwards from
// its newest message. Segments are sized from the pace the channel has shown so far, and one is read only
// while the newer ones may not hold enough: a quiet week above a busy sprint, or a burst above a quiet
// month, is read whole where the range needs it and no further; a segment that turns out far busier than
// its wave assumed is split again.
import type { APIMessage } from "discord-api-types/v10";
import type { Range } from "../domain/job";
import { MAX_SINCE_SECONDS, MESSAGES } from "../domain/limits";
import { snowflakeAt, timeOf } from "../domain/snowflake";
import { SECOND_MS } from "../lib/time";

/** Discord's most messages a page. */
export const PAGE = 100;

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
		case "after":
			return { start: BigInt(range.messageId) + 1n, end, cap: MESSAGES.max };
		case "joined":
			return { start: snowflakeAt(range.at), end, cap: MESSAGES.max };
		// Before its start is found, a catch-up reaches as far as it may: 14 days, the newest 10,000.
		case "catchup":
			return { start: snowflakeAt(requestedAt - MAX_SINCE_SECONDS * SECOND_MS), end, cap: MESSAGES.max };
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
	/** Ids per message on its latest full page: where the channel turns busy, its average lags. */
	pace?: number;
	/**
	 * What it must have read before it divides again: a page more for each segment it last gave, as those
	 * cost a page each where a burst ends, and would again on every page down to the end.
	 */
	dividesAfter?: number;
}

/** The messages of `range` in `channelId`, oldest first. */
export async function fetchHistory(channelId: string, range: Range, requestedAt: number, options: HistoryOptions): Promise<APIMessage[]> {
	const { start, end, cap } = bounds(range, requestedAt, options.newestId);
	const parallelism = options.parallelism ?? PARALLELISM;
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
			const cursor = min(ids);
			segment.pace = Number(segment.cursor - cursor) / PAGE;
			segment.cursor = cursor;
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
		const segments = split(lo, top, Math.min(parallelism, Math.ceil(remaining / PAGE)));
		await readWave(segments, remaining, parallelism, step);
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
 * was read from its top: the newest `remaining` are all read. At most `parallelism` are due at once, the
 * newest first. Where fewer are, the first due segment whose latest page was full gives its unread part
 * to new segments, so that a stretch far busier than the wave assumed isn't read a page at a time: the
 * segments stay disjoint, newest first, each read from its top, so the argument above still holds.
 */
async function readWave(
	segments: Segment[],
	remaining: number,
	parallelism: number,
	step: (segment: Segment) => Promise<void>,
): Promise<void> {
	for (;;) {
		const due: Segment[] = [];
		let dense: { segment: Segment; needed: number; pace: number } | undefined;
		let newerRead = 0;
		let newerExpected = 0;
		for (const segment of segments) {
			if (newerRead + segment.read >= remaining || newerExpected >= remaining || due.length === parallelism) break;
			if (!segment.done) {
				due.push(segment);
				if (!dense && segment.pace && segment.read >= (segment.dividesAfter ?? 0))
					dense = { segment, needed: remaining - newerExpected - segment.read, pace: segment.pace };
			}
			newerRead += segment.read;
			newerExpected += estimate(segment);
		}
		if (!due.length) return;
		if (dense && due.length < parallelism) {
			const pieces = divide(dense.segment, dense.needed, dense.pace, parallelism - due.length + 1);
			segments.splice(segments.indexOf(dense.segment) + 1, 0, ...pieces);
			due.push(...pieces);
		}
		await Promise.all(due.map(step));
	}
}

/**
 * Narrows `segment` to what it has read and the first of `count` pieces of its unread part, and returns
 * the other pieces, newest first. The pieces share the reach that its latest page's pace says `needed`
 * messages take, the oldest also taking whatever lies below, so that the common case needs one split;
 * none is given less than two pages' worth, as each costs a page partly outside it.
 */
function divide(segment: Segment, needed: number, pace: number, count: number): Segment[] {
	const unread = segment.cursor - segment.lo;
	const pieces = Math.min(count, Math.floor(Math.min(needed, Number(unread) / pace) / (2 * PAGE)));
	if (pieces < 2) return [];
	const reach = min([unread, BigInt(Math.ceil(needed * pace * REACH_MARGIN))]);
	const width = reach / BigInt(pieces);
	const lo = segment.lo;
	segment.lo = segment.cursor - width;
	segment.dividesAfter = segment.read + (pieces - 1) * PAGE;
	return Array.from({ length: pieces - 1 }, (_, i) => {
		const hi = segment.lo - width * BigInt(i);
		return { lo: i === pieces - 2 ? lo : hi - width, hi, cursor: hi, read: 0, done: false };
	});
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
