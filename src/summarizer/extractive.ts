// The built-in summarizer, used when no LLM key is set or the LLM fails. It quotes the conversation's
// most informative lines (ranked in text-rank.ts: TF-IDF centrality, then maximal marginal relevance
// across points and authors), lists action-like lines with their owners, and counts participants and
// links. Pure and deterministic: the same lines always give the same summary.

import type { Line } from "../domain/line";
import type { Style } from "../domain/styles";
import type { ActionItem, Cited, Summary } from "../domain/summary";
import { MESSAGE_SEPARATOR, nameReplies, REPLY_MARK } from "./compact";
import { centrality, select, terms, vectorize } from "./text-rank";

/** Points by style, from a short conversation to a long one (about 500 substantive lines and up). */
const POINTS: Record<Style, { min: number; max: number; share: number }> = {
	brief: { min: 3, max: 5, share: 0.34 },
	bullets: { min: 5, max: 8, share: 0.5 },
	detailed: { min: 8, max: 12, share: 0.75 },
	// Context for the action items, which are this style's real content.
	action_items: { min: 2, max: 4, share: 0.34 },
};
/** Action items by style, and how clearly a line must ask for action to be one. */
const ACTIONS: Record<Style, { max: number; minScore: number }> = {
	brief: { max: 2, minScore: 3 },
	bullets: { max: 3, minScore: 3 },
	detailed: { max: 4, minScore: 3 },
	action_items: { max: 12, minScore: 2 },
};
const MAX_POINT_CHARS = 300;
/** Distinct content terms a line needs to say anything on its own ("ok", "lol", "👍" have none). */
const MIN_TERMS = 2;
/** An action needs less: "@bob please review" names its task in one word. */
const MIN_ACTION_TERMS = 1;
/** Terms at which a line counts as fully substantive; shorter ones are ranked down, not out. */
const FULL_TERMS = 8;

// Words that mark decisions, then outcomes and problems: what a reader of a summary most needs (cue
// words, as in Edmundson's extracts). English only; elsewhere ranking rests on centrality alone.
const CUES: [RegExp, number][] = [
	[
		/\b(?:decided|decision|agreed|agree on|consensus|conclusion|going with|the plan|plan is|final|approved|postpone[ds]?|moved? to)\b/i,
		1.5,
	],
	[
		/\b(?:shipped|released|launched|deadline|blocked|blocker|fail(?:ed|ing|s|ure)|broke|broken|outage|fixed|root cause|because|roll(?:ed)? ?back|resolved|merged|passed|looks? good|lgtm|tl;?dr|important|heads up|fyi)\b/i,
		1.25,
	],
];
/** Below this share of the best line's relevance, a line is off the conversation's topics (lunch, the game). */
const RELEVANCE_FLOOR = 0.25;

const REQUEST =
	/\b(?:can|could|would|will) (?:you|someone|somebody|anyone)\b|\b(?:please|pls|plz)\b|\bneed (?:you|someone|somebody) to\b|\bmake sure\b|\bdon't forget\b|\bremember to\b/i;
const TODO = /\b(?:todo|to-do|action items?|follow[- ]up|assigned to)\b/i;
// Tested against the words after any reply mark or leading mentions, where "on it" and "will do" start a line.
const COMMIT =
	/\b(?:i'll|i will|i'm going to|i am going to|i can (?:take|do|handle|look)|let me(?! know)|i've got (?:it|this)|leave it (?:to|with) me)\b(?! be honest| admit| say)|^(?:i'm )?on it\b|^will do\b/i;
const DEADLINE =
	/\b(?:by|before|until|due) (?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:tomorrow|tonight|asap|eod|eow|end of (?:the )?(?:day|week|month|sprint)|next week)\b|\bby \d{1,2}(?::\d\d)? ?(?:am|pm)\b/i;
const IMPERATIVE =
	/^(?:please |pls )?(?:update|fix|send|review|check|add|remove|write|merge|deploy|ship|schedule|book|file|open|close|create|test|run|rerun|ping|email|call|follow up|look into|take a look|prepare|draft|post|share|upload|document|investigate|verify|confirm|double-check|don't|do not|let's)\b/i;
/** Mentions that address nobody in particular, including compaction's stand-ins for unknown ids. */
const NOBODY = new Set(["everyone", "here", "user", "role"]);
const URL = /https?:\/\/[^\s<>"`]+/gi;

/** A line cut to about 300 characters at a word boundary. */
function shorten(text: string): string {
	if (text.length <= MAX_POINT_CHARS) return text;
	const space = text.lastIndexOf(" ", MAX_POINT_CHARS - 1);
	let end = space > MAX_POINT_CHARS / 2 ? space : MAX_POINT_CHARS - 1;
	// No space to cut at: don't split a character outside the Basic Multilingual Plane in two.
	if (/[\uD800-\uDBFF]/.test(text[end - 1])) end--;
	return `${text.slice(0, end).trimEnd()}…`;
}

function byName(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Authors with their message counts, most active first, ties by name. */
export function participants(lines: Line[]): Summary["participants"] {
	const byAuthor = new Map<string, { name: string; messages: number }>();
	for (const line of lines) {
		const entry = byAuthor.get(line.authorId) ?? byAuthor.set(line.authorId, { name: line.author, messages: 0 }).get(line.authorId)!;
		entry.messages += line.messageIds.length;
	}
	return [...byAuthor.values()].sort((a, b) => b.messages - a.messages || byName(a.name, b.name));
}

/** A URL as written, without the punctuation or markdown that closes the sentence around it. */
function trimUrl(url: string): string {
	let out = url;
	for (;;) {
		const last = out.at(-1) ?? "";
		const unbalanced = (open: string, close: string) => last === close && out.split(close).length > out.split(open).length;
		if (/[.,;:!?'*_~|]/.test(last) || unbalanced("(", ")") || unbalanced("[", "]")) out = out.slice(0, -1);
		else return out;
	}
}

/** Links in the lines, deduplicated, in order of first appearance. */
export function links(lines: Line[]): string[] {
	return [...new Set(lines.flatMap((line) => Array.from(line.text.matchAll(URL), ([url]) => trimUrl(url))))];
}

/** The first person a text addresses with @: a known participant's full name if it matches one (names may hold spaces). */
function mentioned(text: string, names: string[]): string | null {
	for (const match of text.matchAll(/(?<![\p{L}\p{N}])@/gu)) {
		const rest = text.slice(match.index + 1);
		const known = names.find(
			(name) => rest.slice(0, name.length).toLowerCase() === name.toLowerCase() && !/^[\p{L}\p{N}_]/u.test(rest.slice(name.length)),
		);
		const name = known ?? rest.match(/^[\p{L}\p{N}_.-]+/u)?.[0].replace(/[.-]+$/, "");
		if (name && !NOBODY.has(name.toLowerCase())) return name;
	}
	return null;
}

/** Who a message answers, from its reply mark: the author of the line it points at, or the name it gives. */
function repliedTo(message: string, authorAt: ReadonlyMap<number, string>): string | null {
	const mark = message.match(REPLY_MARK);
	return mark ? (mark[2] ?? authorAt.get(Number(mark[1])) ?? null) : null;
}

/**
 * How clearly a message asks for or promises action (0 for not at all), and who is to act: the person
 * addressed when asked, the author when they commit, the person replied to when asked without a name.
 */
function actionOf(
	message: string,
	author: string,
	names: string[],
	authorAt: ReadonlyMap<number, string>,
): { score: number; owner: string | null } {
	const text = message.replace(/’/g, "'");
	const replyTo = repliedTo(text, authorAt);
	const body = text.replace(REPLY_MARK, "").replace(/^(?:@\S+[,:]?\s+)+/u, "");
	const request = REQUEST.test(text);
	const todo = TODO.test(text);
	const commit = COMMIT.test(body);
	const imperative = IMPERATIVE.test(body);
	const addressee = mentioned(text, names);
	const score =
		(request ? 2 : 0) + (todo ? 2 : 0) + (commit ? 2 : 0) + (DEADLINE.test(text) ? 1 : 0) + (addressee ? 1 : 0) + (imperative ? 1 : 0);
	let owner = addressee;
	if (!(addressee && (request || todo || imperative))) {
		if (commit) owner = author;
		else if (request && replyTo) owner = replyTo;
	}
	return { score, owner };
}

/**
 * A line's most action-like message, with its score and owner. Compaction joins one author's
 * consecutive messages with " / ", so an action item quotes the message that asks, not the whole run.
 */
function bestAction(
	line: Line,
	names: string[],
	authorAt: ReadonlyMap<number, string>,
): { text: string; score: number; owner: string | null } {
	let best = { text: line.text, score: 0, owner: null as string | null };
	const messages = line.text.split(MESSAGE_SEPARATOR);
	for (const message of messages) {
		if (messages.length > 1 && terms(message).length < MIN_ACTION_TERMS) continue;
		const action = actionOf(message, line.author, names, authorAt);
		if (action.score > best.score) best = { text: message, ...action };
	}
	return best;
}

/** How many points a style gets: more for longer conversations, never more than a share of the substantive lines. */
function pointCount(style: Style, substantive: number): number {
	const { min, max, share } = POINTS[style];
	const growth = Math.min(1, Math.max(0, Math.log10(substantive / 10) / Math.log10(50)));
	return Math.min(Math.round(min + (max - min) * growth), Math.ceil(substantive * share));
}

export function extractive(lines: Line[], options: { style: Style; maxPoints?: number }): Summary {
	const bags = lines.map((line) => terms(line.text));
	const vectors = vectorize(bags);
	const authors = lines.map((line) => line.authorId);
	const distinct = bags.map((bag) => new Set(bag).size);
	const substantive = lines.map((_, i) => i).filter((i) => distinct[i] >= MIN_TERMS);
	const central = centrality(vectors, authors, substantive);
	// Never 0, so that lines sharing no words with any other still rank by substance and cue words.
	const relevance = lines.map((line, i) =>
		distinct[i] < MIN_TERMS
			? 0
			: (0.1 + 0.9 * central[i]) *
				Math.min(1, Math.log(1 + distinct[i]) / Math.log(1 + FULL_TERMS)) *
				(CUES.find(([cue]) => cue.test(line.text))?.[1] ?? 1),
	);

	// Action items first, so the points can leave them out rather than say them twice.
	const names = [...new Set(lines.map((line) => line.author))].sort((a, b) => b.length - a.length || byName(a, b));
	const authorAt = new Map(lines.map((line) => [line.index, line.author]));
	const { max, minScore } = ACTIONS[options.style];
	const wantedActions = options.style === "action_items" ? Math.min(options.maxPoints ?? max, max) : max;
	const actions = lines
		.flatMap((line, i) => (distinct[i] < MIN_ACTION_TERMS ? [] : [{ i, ...bestAction(line, names, authorAt) }]))
		.filter((action) => action.score >= minScore)
		.sort((a, b) => b.score - a.score || relevance[b.i] - relevance[a.i] || a.i - b.i)
		.slice(0, wantedActions)
		.sort((a, b) => a.i - b.i);
	const actionItems: ActionItem[] = actions.map(({ i, text, owner }) => ({
		text: shorten(nameReplies(text, authorAt)),
		owner,
		sources: [lines[i].index],
	}));

	const asAction = new Set(actions.map((action) => action.i));
	const floor = RELEVANCE_FLOOR * substantive.reduce((max, i) => Math.max(max, relevance[i]), 0);
	const candidates = substantive.filter((i) => !asAction.has(i) && relevance[i] >= floor);
	const wanted = Math.min(options.maxPoints ?? pointCount(options.style, substantive.length), candidates.length);
	const points: Cited[] = select(candidates, relevance, vectors, authors, wanted).map((i) => ({
		text: shorten(nameReplies(lines[i].text, authorAt)),
		sources: [lines[i].index],
	}));

	return {
		model: "extractive",
		points,
		actionItems,
		participants: participants(lines),
		links: links(lines),
		usage: { tokensIn: 0, tokensOut: 0 },
	};
}
