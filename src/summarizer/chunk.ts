// Splits a run of lines into windows that each fit a token budget, one LLM call each: as few windows as
// the budget allows, of about equal size, so that no call is left with a sliver of the run.

import type { Line } from "../domain/line";
import { renderLine } from "./compact";
import { countTokens } from "./tokens";

/** Windows of consecutive lines, each within `budget` tokens (a single larger line stands alone). */
export function chunk(lines: Line[], budget: number, count: (text: string) => number = countTokens): Line[][] {
	const costs = lines.map((line) => count(renderLine(line)) + 1);
	const total = costs.reduce((sum, cost) => sum + cost, 0);
	const share = total / Math.max(1, Math.ceil(total / budget));
	const windows: Line[][] = [];
	let current: Line[] = [];
	let tokens = 0;
	lines.forEach((line, i) => {
		if (current.length && tokens + costs[i] > budget) {
			windows.push(current);
			current = [];
			tokens = 0;
		}
		current.push(line);
		tokens += costs[i];
		if (tokens >= share) {
			windows.push(current);
			current = [];
			tokens = 0;
		}
	});
	if (current.length) windows.push(current);
	return windows;
}
