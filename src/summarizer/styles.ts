// What each style shows of an LLM summary. The model writes one summary per range and language, its
// points most important first (llm.ts), and a style is a view of it: every style of a range, and the
// Shorter and More detail buttons, rest on one LLM call. The extractive summarizer picks per style
// itself (extractive.ts): running it again costs a few milliseconds per hundred lines.
import type { Style } from "../domain/styles";
import type { Summary } from "../domain/summary";

export const VIEWS: Record<Style, { points: number; actionItems: number }> = {
	brief: { points: 4, actionItems: 2 },
	bullets: { points: 7, actionItems: 3 },
	detailed: { points: 12, actionItems: Number.POSITIVE_INFINITY },
	action_items: { points: 3, actionItems: Number.POSITIVE_INFINITY },
};

export function view(summary: Summary, style: Style): Summary {
	const { points, actionItems } = VIEWS[style];
	return { ...summary, points: summary.points.slice(0, points), actionItems: summary.actionItems.slice(0, actionItems) };
}
