// The built-in summarizer, used when no LLM key is set or the LLM fails: it picks the most informative
// lines by TF-IDF centrality (how much a line shares the conversation's distinctive words), then chooses
// among the best with maximal marginal relevance, penalizing lines like those already chosen and
// authors already heard, so one talkative member doesn't make the whole summary. Deterministic.
import type { Style } from "../discord/commands";
import type { Line } from "./line";
import type { ActionItem, Cited, Summary } from "./summary";

const STOP_WORDS = new Set(
	"the and for are but not you all any can had her was one our out has have him his how its may new now see who did yes get got just like that this with from they them then than there what when where which while will would could should about into your been were also only some more very really think know want need lol yeah okay thanks thank".split(" "),
);
const POINTS: Record<Style, number> = { brief: 4, bullets: 6, detailed: 10, action_items: 3 };
const MAX_POINT_CHARS = 300;
const CANDIDATES = 200;
/** Distinct content words a line needs to stand as a point on its own. */
const MIN_WORDS = 4;
const ACTION = /\b(can you|could you|please|todo|to-do|action item|i'll|i will|will (?:do|handle|take|fix|send|update|write)|by (?:mon|tues|wednes|thurs|fri|satur|sun)day|by tomorrow|by eod|deadline|assigned? to)\b/i;
const URL = /https?:\/\/[^\s<>)\]]+/g;

type Vector = Map<string, number>;

function words(text: string): string[] {
	return (text.toLowerCase().replace(URL, " ").match(/[\p{L}\p{N}][\p{L}\p{N}'-]{2,}/gu) ?? []).filter((word) => !STOP_WORDS.has(word));
}

function norm(vector: Vector): number {
	let sum = 0;
	for (const value of vector.values()) sum += value * value;
	return Math.sqrt(sum);
}

function cosine(a: Vector, b: Vector, normA: number, normB: number): number {
	if (!normA || !normB) return 0;
	const [small, large] = a.size < b.size ? [a, b] : [b, a];
	let dot = 0;
	for (const [term, value] of small) dot += value * (large.get(term) ?? 0);
	return dot / (normA * normB);
}

function shorten(text: string): string {
	if (text.length <= MAX_POINT_CHARS) return text;
	const end = text.lastIndexOf(" ", MAX_POINT_CHARS - 1);
	return `${text.slice(0, end > MAX_POINT_CHARS / 2 ? end : MAX_POINT_CHARS - 1)}…`;
}

export function participants(lines: Line[]): Summary["participants"] {
	const counts = new Map<string, number>();
	for (const line of lines) counts.set(line.author, (counts.get(line.author) ?? 0) + line.messageIds.length);
	return [...counts].map(([name, messages]) => ({ name, messages })).sort((a, b) => b.messages - a.messages || a.name.localeCompare(b.name));
}

export function links(lines: Line[]): string[] {
	return [...new Set(lines.flatMap((line) => line.text.match(URL) ?? []))];
}

function actionItems(lines: Line[]): ActionItem[] {
	return lines
		.filter((line) => ACTION.test(line.text))
		.slice(0, 10)
		.map((line) => {
			const addressed = line.text.match(/@([\p{L}\p{N}_.-]+)/u)?.[1];
			const committed = /\b(i'll|i will)\b/i.test(line.text) ? line.author : null;
			return { text: shorten(line.text), owner: addressed && addressed !== "everyone" && addressed !== "here" ? addressed : committed, sources: [line.index] };
		});
}

export function extractive(lines: Line[], options: { style: Style; maxPoints?: number }): Summary {
	const bags = lines.map((line) => words(line.text));
	const documentFrequency = new Map<string, number>();
	for (const bag of bags) for (const term of new Set(bag)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);

	// Sublinear term frequency: saying a word three times doesn't make a line three times as much about it.
	const vectors = bags.map((bag) => {
		const counts = new Map<string, number>();
		for (const term of bag) counts.set(term, (counts.get(term) ?? 0) + 1);
		const vector: Vector = new Map();
		for (const [term, count] of counts) vector.set(term, (1 + Math.log(count)) * Math.log((lines.length + 1) / documentFrequency.get(term)!));
		return vector;
	});
	const norms = vectors.map(norm);
	const centroid: Vector = new Map();
	vectors.forEach((vector, i) => {
		for (const [term, value] of vector) if (norms[i]) centroid.set(term, (centroid.get(term) ?? 0) + value / norms[i]);
	});
	const centroidNorm = norm(centroid);
	// Central to the conversation, and with enough substance: a one-word line says little on its own.
	const scores = vectors.map((vector, i) => (vector.size < MIN_WORDS ? 0 : cosine(vector, centroid, norms[i], centroidNorm) * Math.log(1 + vector.size)));

	const candidates = lines.map((_, i) => i).filter((i) => scores[i] > 0).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, CANDIDATES);
	const wanted = Math.min(options.maxPoints ?? POINTS[options.style], candidates.length);
	const chosen: number[] = [];
	const heard = new Map<string, number>();
	while (chosen.length < wanted) {
		let best = -1;
		let bestValue = Number.NEGATIVE_INFINITY;
		for (const i of candidates) {
			if (chosen.includes(i)) continue;
			const redundancy = Math.max(0, ...chosen.map((j) => cosine(vectors[i], vectors[j], norms[i], norms[j])));
			const value = scores[i] * (1 - 0.6 * redundancy) * 0.7 ** (heard.get(lines[i].authorId) ?? 0);
			if (value > bestValue) [best, bestValue] = [i, value];
		}
		chosen.push(best);
		heard.set(lines[best].authorId, (heard.get(lines[best].authorId) ?? 0) + 1);
	}
	const points: Cited[] = chosen.sort((a, b) => a - b).map((i) => ({ text: shorten(lines[i].text), sources: [lines[i].index] }));
	return {
		model: "extractive",
		points,
		actionItems: actionItems(lines),
		participants: participants(lines),
		links: links(lines),
		usage: { tokensIn: 0, tokensOut: 0 },
	};
}
