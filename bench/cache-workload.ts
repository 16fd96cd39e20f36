// The workload of the cache benchmark, as a pure function of a seed: one simulated day of a busy server.
// 50 channels with Zipf popularity (exponent 1) both for reading and for writing; /summarize requests as
// a Poisson stream from 300 members, each with their client's locale; new messages as another Poisson
// stream. Assumed mix (no public data on how members use such a bot): 72% plain `/summarize`, 10% a
// message count (50, 200, 500 or 1,000), 13% a time (`1h`, `6h`, `1d`), 5% "Summarize from here" on a
// message 20–300 back; style `brief` 70%, `bullets` 12%, `detailed` 10%, `action_items` 8%; 10% public.
// Also an ideal cache in simulated time: what an exact-key cache could save, with and without expiry.
import { Locale } from "discord-api-types/v10";
import { summaryLanguage } from "../src/domain/job.ts";
import { random } from "../test/stand-ins/discord-messages.ts";

export const DAY_MS = 86_400_000;
export const CHANNELS = 50;
const MEMBERS = 300;
/** Messages each channel holds when the day starts, enough for the largest range of the mix. */
export const HISTORY = 1200;

export type RequestShape =
	| { kind: "count"; messages?: number }
	| { kind: "since"; since: "1h" | "6h" | "1d" }
	| { kind: "from"; back: number };

export interface SummaryRequestEvent {
	type: "request";
	at: number;
	channel: number;
	member: number;
	locale: Locale;
	shape: RequestShape;
	style?: "bullets" | "detailed" | "action_items";
	public: boolean;
}

export type Event = { type: "message"; at: number; channel: number } | SummaryRequestEvent;

function weighted<T>(next: () => number, choices: [T, number][]): T {
	const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
	let roll = next() * total;
	for (const [value, weight] of choices) {
		roll -= weight;
		if (roll < 0) return value;
	}
	return choices.at(-1)![0];
}

/** Popularity of each channel: Zipf with exponent `s`. */
export function zipf(n: number, s = 1): number[] {
	const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
	const total = weights.reduce((a, b) => a + b, 0);
	return weights.map((weight) => weight / total);
}

/** `requests` summary requests and `messagesPerRequest` × as many new messages over a day, in time order. */
export function workload(options: { requests: number; messagesPerRequest: number; seed: number }): Event[] {
	const next = random(options.seed);
	const popularity = zipf(CHANNELS).map((p, i): [number, number] => [i, p]);
	const locales = Array.from({ length: MEMBERS }, () =>
		weighted(next, [
			[Locale.EnglishUS, 80],
			[Locale.EnglishGB, 12],
			[Locale.German, 5],
			[Locale.French, 3],
		]),
	);
	const events: Event[] = [];
	for (let i = 0; i < Math.round(options.requests * options.messagesPerRequest); i++) {
		events.push({ type: "message", at: next() * DAY_MS, channel: weighted(next, popularity) });
	}
	for (let i = 0; i < options.requests; i++) {
		const member = Math.floor(next() * MEMBERS);
		const shape = weighted<() => RequestShape>(next, [
			[() => ({ kind: "count" }), 72],
			[
				() => ({
					kind: "count",
					messages: weighted(next, [
						[50, 3],
						[200, 4],
						[500, 2],
						[1000, 1],
					]),
				}),
				10,
			],
			[
				() => ({
					kind: "since",
					since: weighted(next, [
						["1h", 5],
						["6h", 5],
						["1d", 3],
					] as const),
				}),
				13,
			],
			[() => ({ kind: "from", back: 20 + Math.floor(next() * 281) }), 5],
		])();
		const style = weighted(next, [
			[undefined, 70],
			["bullets", 12],
			["detailed", 10],
			["action_items", 8],
		] as const);
		events.push({
			type: "request",
			at: next() * DAY_MS,
			channel: weighted(next, popularity),
			member,
			locale: locales[member],
			shape,
			style,
			public: next() < 0.1,
		});
	}
	return events.sort((a, b) => a.at - b.at);
}

export const SINCE_SECONDS = { "1h": 3600, "6h": 21_600, "1d": 86_400 };

/** What an ideal exact-key cache (the bot's key: channel, range, style, language, newest message) would do with the day. */
export function idealCache(events: Event[]) {
	const newest = new Array<number>(CHANNELS).fill(HISTORY);
	const made = new Map<string, number>();
	const shapes = new Set<string>();
	const result = { misses: 0, missesNoExpiry: 0, firstOfShape: 0, newMessagesSince: 0, distinctKeys: 0 };
	for (const event of events) {
		if (event.type === "message") {
			newest[event.channel]++;
			continue;
		}
		const range =
			event.shape.kind === "count"
				? `n${event.shape.messages ?? 100}`
				: event.shape.kind === "since"
					? `s${SINCE_SECONDS[event.shape.since]}`
					: `f${newest[event.channel] - event.shape.back}`;
		const shape = `${event.channel}:${range}:${event.style ?? "brief"}:${summaryLanguage(event.locale)}`;
		const key = `${shape}@${newest[event.channel]}`;
		const ttlMs = event.shape.kind === "since" ? 600_000 : 3_600_000;
		const madeAt = made.get(key);
		if (madeAt === undefined) {
			result.missesNoExpiry++;
			if (shapes.has(shape)) result.newMessagesSince++;
			else result.firstOfShape++;
		}
		if (madeAt === undefined || event.at - madeAt > ttlMs) {
			result.misses++;
			made.set(key, event.at);
		}
		shapes.add(shape);
	}
	result.distinctKeys = made.size;
	return result;
}
