// The ranking behind the extractive summarizer: TF-IDF vectors of the lines, centrality of each line
// to the whole conversation and to the lines around it, and maximal-marginal-relevance selection that
// avoids saying the same thing twice or hearing one author only. Everything is linear in the number
// of lines (no all-pairs similarity), so 10,000 lines rank in tens of milliseconds; pure and deterministic.

/** A line's TF-IDF vector: term ids ascending, weights scaled to unit length (empty for no terms). */
export interface Vector {
	terms: Int32Array;
	weights: Float64Array;
}

// Function words and chat filler: they say nothing about what a line is about. English only; other
// languages lean on inverse document frequency, which discounts their function words just as well.
const STOP_WORDS = new Set(
	(
		"a an the and or but if then so to of in on at by for with from as into about over after before up down out off " +
		"is are was were be been being am do does did doing done have has had having get gets got go goes going gone " +
		"i me my mine we us our ours you your yours he him his she her hers they them their theirs it its " +
		"this that these those there here what which who whom whose when where why how all any both each either " +
		"few more most other some such no nor not only own same than too very just also still even again ever once " +
		"can could will would shall should may might must let lets i'm i'll i've i'd you're you'll you've we're " +
		"we'll we've they're it's that's there's what's don't doesn't didn't isn't aren't wasn't weren't can't " +
		"won't wouldn't couldn't shouldn't anyone someone everyone anybody somebody something anything nothing " +
		"one thing things really think know want need like well now please pls plz see make much many lot bit " +
		"yes yeah yep yup nope ok okay oh um uh hmm " +
		"lol lmao lmfao rofl haha hahaha hehe xd thanks thank thx ty np nice cool great awesome sweet sure " +
		"morning gm gn hi hey hello bye cya brb afk ack noted same wow omg gonna wanna kinda maybe pretty"
	).split(" "),
);

// Scripts written without spaces between words: a run of them becomes overlapping character pairs.
const UNSPACED =
	"\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}";
const WORD = new RegExp(`[${UNSPACED}]+|(?:(?![${UNSPACED}])[\\p{L}\\p{M}\\p{N}])+(?:'(?:(?![${UNSPACED}])\\p{L})+)?`, "gu");
const UNSPACED_RUN = new RegExp(`^[${UNSPACED}]`, "u");
// What compaction writes that is not the author's words: links, mentions of people, emoji names, attachments,
// and reply marks at the start of a message (the line's, or one after compaction's " / ").
const NOISE =
	/https?:\/\/\S+|(?<![\p{L}\p{N}])@[\p{L}\p{N}_.-]+|:[\w~-]+:|\[(?:image|video|file|sticker)(?:: [^\]]*)?\]|(?:^|(?<= \/ ))(?:>>\d+|↪ [^:]{1,64}:) /gu;

/**
 * A light English stem (plural, -ed, -ing, final e, doubled consonant), so "fails", "failed" and
 * "failing" count as one term. Crude, but applied alike to every line, which is all ranking needs.
 */
function stem(word: string): string {
	if (word.length < 3 || !/^[a-z]+$/.test(word)) return word;
	let out = word;
	if (out.length > 4 && out.endsWith("ies")) out = `${out.slice(0, -3)}y`;
	else if (/(?:ss|sh|ch|x|z)es$/.test(out)) out = out.slice(0, -2);
	else if (out.endsWith("s") && !/(?:ss|us|is)$/.test(out)) out = out.slice(0, -1);
	else if (out.length > 5 && out.endsWith("ing")) out = out.slice(0, -3);
	else if (out.length > 4 && out.endsWith("ed")) out = out.slice(0, -2);
	if (out.length > 3 && out.endsWith("e")) out = out.slice(0, -1);
	return out.replace(/([b-df-hj-np-tv-z])\1$/, "$1");
}

/** The content terms of a text: lowercased words without stop words, or character pairs in unspaced scripts. */
export function terms(text: string): string[] {
	const out: string[] = [];
	for (const [word] of text.toLowerCase().replace(/’/g, "'").replace(NOISE, " ").matchAll(WORD)) {
		if (UNSPACED_RUN.test(word)) {
			const chars = Array.from(word);
			if (chars.length === 1) out.push(word);
			for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
		} else if (word.length > 1 && !STOP_WORDS.has(word)) {
			const stemmed = stem(word);
			if (!STOP_WORDS.has(stemmed)) out.push(stemmed);
		}
	}
	return out;
}

/** TF-IDF with sublinear term frequency: saying a word three times doesn't make a line three times as much about it. */
export function vectorize(bags: string[][]): Vector[] {
	const ids = new Map<string, number>();
	const documentFrequency: number[] = [];
	const counted = bags.map((bag) => {
		const counts = new Map<number, number>();
		for (const term of bag) {
			let id = ids.get(term);
			if (id === undefined) {
				id = documentFrequency.length;
				ids.set(term, id);
				documentFrequency.push(0);
			}
			counts.set(id, (counts.get(id) ?? 0) + 1);
		}
		for (const id of counts.keys()) documentFrequency[id]++;
		return counts;
	});
	return counted.map((counts) => {
		const terms = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
		const weights = Float64Array.from(
			terms,
			(id) => (1 + Math.log(counts.get(id)!)) * (1 + Math.log((1 + bags.length) / (1 + documentFrequency[id]))),
		);
		let squares = 0;
		for (const weight of weights) squares += weight * weight;
		const length = Math.sqrt(squares);
		if (length) for (let k = 0; k < weights.length; k++) weights[k] /= length;
		return { terms, weights };
	});
}

/** Cosine similarity of two unit vectors, by merging their sorted terms. */
export function cosine(a: Vector, b: Vector): number {
	let dot = 0;
	for (let i = 0, j = 0; i < a.terms.length && j < b.terms.length; ) {
		if (a.terms[i] === b.terms[j]) dot += a.weights[i++] * b.weights[j++];
		else if (a.terms[i] < b.terms[j]) i++;
		else j++;
	}
	return dot;
}

/** Lines on either side that a line's local centrality looks at: about one exchange. */
const WINDOW = 10;

/**
 * How central each of the `eligible` lines (positions in `vectors`) is, from 0 to 1; 0 for the others.
 * Half is similarity to the rest of the conversation (leave-one-out centroid, each author's lines
 * weighted down by how many they wrote, so a talkative member doesn't define the topic), half is
 * similarity to its neighbours, so a thread that matters locally is seen in a long, varied conversation.
 */
export function centrality(vectors: Vector[], authors: string[], eligible: number[]): Float64Array {
	const perAuthor = new Map<string, number>();
	for (const i of eligible) perAuthor.set(authors[i], (perAuthor.get(authors[i]) ?? 0) + 1);
	const weightOf = (i: number) => 1 / Math.sqrt(perAuthor.get(authors[i])!);

	let size = 0;
	for (const i of eligible) size = Math.max(size, (vectors[i].terms.at(-1) ?? -1) + 1);
	const sum = new Float64Array(size);
	for (const i of eligible) {
		const { terms, weights } = vectors[i];
		for (let k = 0; k < terms.length; k++) sum[terms[k]] += weightOf(i) * weights[k];
	}
	let sumSquared = 0;
	for (const value of sum) sumSquared += value * value;

	const global = eligible.map((i) => {
		const { terms, weights } = vectors[i];
		let dot = 0;
		for (let k = 0; k < terms.length; k++) dot += weights[k] * sum[terms[k]];
		const own = weightOf(i);
		// The centroid without this line: v·(S − a·v) = v·S − a, |S − a·v|² = |S|² − 2a·v·S + a².
		const rest = Math.sqrt(Math.max(0, sumSquared - 2 * own * dot + own * own));
		return rest > 1e-9 ? Math.max(0, (dot - own) / rest) : 0;
	});

	const local = new Float64Array(eligible.length);
	const neighbours = new Float64Array(eligible.length);
	for (let p = 0; p < eligible.length; p++) {
		for (let q = p + 1; q <= p + WINDOW && q < eligible.length; q++) {
			const similarity = cosine(vectors[eligible[p]], vectors[eligible[q]]);
			local[p] += similarity;
			local[q] += similarity;
			neighbours[p]++;
			neighbours[q]++;
		}
	}
	for (let p = 0; p < eligible.length; p++) if (neighbours[p]) local[p] /= neighbours[p];

	const maxGlobal = largest(global);
	const maxLocal = largest(local);
	const out = new Float64Array(vectors.length);
	eligible.forEach((i, p) => {
		out[i] = 0.5 * (maxGlobal ? global[p] / maxGlobal : 0) + 0.5 * (maxLocal ? local[p] / maxLocal : 0);
	});
	return out;
}

function largest(values: Iterable<number>): number {
	let max = 0;
	for (const value of values) if (value > max) max = value;
	return max;
}

/** How many of the best candidates MMR considers: enough for variety, few enough to stay cheap. */
const POOL = { min: 60, perPoint: 12, max: 500 };
/** Weight of redundancy with lines already chosen. */
const LAMBDA = 0.7;
/** Each point already taken from an author scales their next line by this much. */
const AUTHOR_DECAY = 0.6;
/** At least this similar to a chosen line is the same point again. */
const DUPLICATE = 0.9;

/**
 * Picks up to `wanted` of the `candidates` (positions) by maximal marginal relevance: relevance,
 * discounted by similarity to what is already chosen and by how often its author was already heard.
 * Returns positions in conversation order. Ties go to the earlier line.
 */
export function select(candidates: number[], relevance: ArrayLike<number>, vectors: Vector[], authors: string[], wanted: number): number[] {
	const pool = [...candidates]
		.sort((a, b) => relevance[b] - relevance[a] || a - b)
		.slice(0, Math.min(POOL.max, Math.max(POOL.min, wanted * POOL.perPoint)));
	const top = pool.length ? relevance[pool[0]] || 1 : 1;
	const redundancy = new Float64Array(pool.length);
	const taken = new Uint8Array(pool.length);
	const heard = new Map<string, number>();
	const chosen: number[] = [];
	while (chosen.length < wanted) {
		let best = -1;
		let bestValue = Number.NEGATIVE_INFINITY;
		for (let k = 0; k < pool.length; k++) {
			if (taken[k] || redundancy[k] >= DUPLICATE) continue;
			const value = (relevance[pool[k]] / top) * (1 - LAMBDA * redundancy[k]) * AUTHOR_DECAY ** (heard.get(authors[pool[k]]) ?? 0);
			if (value > bestValue || (value === bestValue && pool[k] < pool[best])) [best, bestValue] = [k, value];
		}
		if (best < 0) break;
		taken[best] = 1;
		const line = pool[best];
		chosen.push(line);
		heard.set(authors[line], (heard.get(authors[line]) ?? 0) + 1);
		for (let k = 0; k < pool.length; k++) if (!taken[k]) redundancy[k] = Math.max(redundancy[k], cosine(vectors[pool[k]], vectors[line]));
	}
	return chosen.sort((a, b) => a - b);
}
