// What the LLM said is kept per span of messages (in the guild's Durable Object), whatever range asked
// for it, so a later range pays only for the messages no earlier one has summarized: a "last 100"
// after a "last 200", a "since 1h", a "Summarize from here", the same range after new messages. This
// file finds what a range still needs, and makes one summary of the spans that cover it. Pure.

import { type Line, messageCount } from "../domain/line";
import type { ActionItem, Cited, Kept, Span } from "../domain/summary";
import type { LlmResult } from "./llm";
import { centrality, cosine, terms, vectorize } from "./text-rank";

/**
 * The newest messages a summary may leave to the extractive summarizer, quoted under the LLM's points
 * with a Refresh button, rather than make a call for them: a tenth of the range, and at most 50, so that
 * an LLM summary rests on the LLM's reading of at least 90% of its range.
 */
export const NEWEST_UNSUMMARIZED = { share: 0.1, max: 50 };

/**
 * The kept spans a range may use: those it covers whole, and that still cite a message it holds. A span
 * the range's start cuts was read with messages before the range, and its points may rest on those alone:
 * the range's part of it is read again instead.
 */
export function usable(lines: Line[], spans: Span[]): Span[] {
	const first = BigInt(lines[0].messageIds[0]);
	const last = BigInt(lines[lines.length - 1].messageIds.at(-1) ?? first);
	const held = new Set(lines.flatMap((line) => line.messageIds));
	const cites = (span: Span) => [...span.points, ...span.actionItems].some((item) => item.sources.some((id) => held.has(id)));
	return spans.filter((span) => BigInt(span.firstId) >= first && BigInt(span.lastId) <= last && (cites(span) || !span.points.length));
}

function containing(spans: Pick<Span, "firstId" | "lastId">[]): (id: string) => boolean {
	const bounds = spans.map((span) => [BigInt(span.firstId), BigInt(span.lastId)] as const);
	return (id) => {
		const n = BigInt(id);
		return bounds.some(([first, last]) => first <= n && n <= last);
	};
}

/** Runs of consecutive lines that no span covers, oldest first; a line is covered when each of its messages is. */
export function uncovered(lines: Line[], spans: Pick<Span, "firstId" | "lastId">[]): Line[][] {
	const covered = containing(spans);
	const runs: Line[][] = [];
	let run: Line[] = [];
	for (const line of lines) {
		if (line.messageIds.every(covered)) {
			if (run.length) runs.push(run);
			run = [];
		} else run.push(line);
	}
	if (run.length) runs.push(run);
	return runs;
}

/**
 * The newest uncovered run, when it is only the range's newest few messages (`limits`): those may be quoted
 * whether or not older runs need a call. Each run is a call of its own, so quoting the newest few beside a
 * run that is read again (a sliding range's oldest part) saves a call, and the LLM still reads all the rest.
 */
export function newestOnly(lines: Line[], runs: Line[][], limits = NEWEST_UNSUMMARIZED): Line[] | undefined {
	const run = runs.at(-1);
	if (!run || run[0] === lines[0] || run.at(-1) !== lines.at(-1)) return undefined;
	const allowed = Math.min(limits.max, Math.floor(messageCount(lines) * limits.share));
	return messageCount(run) <= allowed ? run : undefined;
}

/** The model's result for `window` (the lines it was asked to summarize), as kept. */
export function toSpan(result: Pick<LlmResult, "points" | "actionItems">, window: Line[]): Span {
	const ids = new Map(window.map((line) => [line.index, line.messageIds[0]]));
	const cite = <T extends Cited>(item: T): Kept<T> => ({ ...item, sources: item.sources.flatMap((source) => ids.get(source) ?? []) });
	return {
		firstId: window[0].messageIds[0],
		lastId: window.at(-1)!.messageIds.at(-1)!,
		points: result.points.map(cite),
		actionItems: result.actionItems.map(cite),
	};
}

/** At least this similar (TF-IDF cosine) to a point taken from another span, a point says the same again. */
const SAME_POINT = 0.8;

/** `items` in order, without those that repeat an earlier one from another span. */
function distinct<T extends Cited>(items: { item: T; span: number }[]): T[] {
	const vectors = vectorize(items.map(({ item }) => terms(item.text)));
	const kept: number[] = [];
	items.forEach(({ span }, i) => {
		if (!kept.some((k) => items[k].span !== span && cosine(vectors[k], vectors[i]) >= SAME_POINT)) kept.push(i);
	});
	return kept.map((i) => items[i].item);
}

/** The spans not inside another one: two jobs that read the same messages at once both kept what they said. */
function outermost(spans: Span[]): Span[] {
	const bounds = spans.map((span) => [BigInt(span.firstId), BigInt(span.lastId)] as const);
	return spans.filter((_, i) => {
		const [first, last] = bounds[i];
		return !bounds.some(
			([otherFirst, otherLast], j) =>
				j !== i && otherFirst <= first && last <= otherLast && (otherFirst < first || last < otherLast || j < i),
		);
	});
}

/** A point with what ranks it among other spans' points: its place in its span's list, and that span's share of the range. */
interface Ranked {
	item: Cited;
	span: number;
	rank: number;
	share: number;
}

/**
 * The points of all spans in one list, each span's in the order the model gave them (the gist first).
 * The next point is the span head with the lowest (place + 1) / share, so a span covering most of the
 * range leads and a small one still gets its first point in; among spans of equal share (the windows
 * of a long range) a point on the range's common themes (TF-IDF centrality among all points) goes first.
 */
function interleave(points: Ranked[], spans: number): Ranked[] {
	const vectors = vectorize(points.map(({ item }) => terms(item.text)));
	const central = centrality(
		vectors,
		points.map(({ span }) => String(span)),
		points.map((_, i) => i),
	);
	// Centrality moves a point by at most a factor of 1.67 against another: it decides between near equals.
	const key = (i: number) => ((points[i].rank + 1) / Math.max(1, points[i].share)) * (1.25 - central[i] / 2);
	const heads = Array.from({ length: spans }, () => [] as number[]);
	points.forEach(({ span }, i) => {
		heads[span].push(i);
	});
	const out: Ranked[] = [];
	for (;;) {
		let best = -1;
		for (const queue of heads) {
			const head = queue[0];
			if (head === undefined) continue;
			if (best < 0 || key(head) < key(best) || (key(head) === key(best) && points[head].item.sources[0] < points[best].item.sources[0]))
				best = head;
		}
		if (best < 0) return out;
		out.push(points[best]);
		heads[points[best].span].shift();
	}
}

/**
 * One summary of `lines` from the spans that cover them, without a call: points interleaved (above),
 * action items in conversation order, and from either, one that another span already made left out.
 * Citations of messages the range no longer holds (deleted since, or outside it) are dropped, and items
 * left with none.
 */
export function merge(lines: Line[], kept: Span[]): Pick<LlmResult, "points" | "actionItems"> {
	const spans = outermost(kept);
	const lineOf = new Map<string, number>();
	for (const line of lines) for (const id of line.messageIds) lineOf.set(id, line.index);
	const cite = <T extends Cited>(item: Kept<T>): T =>
		({ ...item, sources: [...new Set(item.sources.flatMap((id) => lineOf.get(id) ?? []))].sort((a, b) => a - b) }) as T;
	const starts = lines.map((line) => BigInt(line.messageIds[0]));
	const points: Ranked[] = [];
	const actions: { item: ActionItem; span: number }[] = [];
	spans.forEach((span, n) => {
		const [first, last] = [BigInt(span.firstId), BigInt(span.lastId)];
		const share = starts.filter((start) => first <= start && start <= last).length;
		span.points.forEach((point, rank) => {
			const item = cite(point);
			if (item.sources.length) points.push({ item, span: n, rank, share });
		});
		for (const action of span.actionItems) {
			const item = cite<ActionItem>(action);
			if (item.sources.length) actions.push({ item, span: n });
		}
	});
	actions.sort((a, b) => a.item.sources[0] - b.item.sources[0]);
	return { points: distinct(interleave(points, spans.length)), actionItems: distinct(actions) };
}
