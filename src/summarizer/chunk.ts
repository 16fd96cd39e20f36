// Splits lines into windows that fit a token budget, for map-reduce. Window edges are chosen by the
// messages themselves (a hash of a line's first message id), not by where a range starts, so two
// overlapping requests cut their shared part into the same windows and can reuse each other's results.
import { renderLine } from "./compact";
import type { Line } from "./line";
import { countTokens } from "./tokens";

/** About one line in this many is a natural window edge. */
const EDGE_EVERY = 64;

function isEdge(line: Line): boolean {
	let hash = 2166136261;
	for (const char of line.messageIds[0]) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
	return (hash >>> 0) % EDGE_EVERY === 0;
}

/** Windows of consecutive lines, each within `budget` tokens (a single larger line stands alone). */
export function chunk(lines: Line[], budget: number, count: (text: string) => number = countTokens): Line[][] {
	const windows: Line[][] = [];
	let current: Line[] = [];
	let tokens = 0;
	for (const line of lines) {
		const cost = count(renderLine(line)) + 1;
		// Cut at a natural edge once a window holds a fair share of the budget, or when the budget forces it.
		const atEdge = isEdge(line) && tokens >= budget / 4;
		if (current.length && (tokens + cost > budget || atEdge)) {
			windows.push(current);
			current = [];
			tokens = 0;
		}
		current.push(line);
		tokens += cost;
	}
	if (current.length) windows.push(current);
	return windows;
}

/** Identifies a window by the messages it spans, whatever request it came from. */
export function windowKey(window: Line[]): string {
	return `${window[0].messageIds[0]}-${window.at(-1)!.messageIds.at(-1)}`;
}
