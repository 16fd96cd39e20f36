// What the bot delivered to each deferred interaction, read from the Discord emulator's recorded webhook
// calls: the final edits of the "thinking…" message (progress edits left out) and the follow-ups.
import type { APIEmbed } from "discord-api-types/v10";
import { isProgress } from "../scripts/playground/client.ts";
import type { RecordedEdit } from "../test/stand-ins/discord-emulator.ts";

export type Fate =
	/** Nothing came: the member waits for ever. */
	| "lost"
	/** The summary, from the LLM. */
	| "delivered"
	/** The summary, from the extractive summarizer standing in for the LLM. */
	| "fallback"
	/** A message saying why there is no summary. */
	| "told"
	/** Another reply (a deferred command such as /stats). */
	| "answered";

export interface Delivery {
	fate: Fate;
	/** Final edits of the original message beyond the first, plus follow-ups sent twice. */
	duplicates: number;
	/** What the member sees: the final edit's embeds, then each distinct follow-up's. */
	embeds: APIEmbed[];
}

interface Body {
	content?: string;
	embeds?: APIEmbed[];
}

/** Whether a summary's embeds are the extractive summarizer's, by the footer that names the model (on the last). */
export function isExtractive(embeds: APIEmbed[]): boolean {
	return (embeds.at(-1)?.footer?.text ?? "").startsWith("extractive summary");
}

/** `last`: the result's last message, which carries the footer: the final edit, or its last follow-up. */
function fate(final: Body | undefined, last: Body | undefined): Fate {
	if (!final) return "lost";
	if (!final.embeds?.length) return /couldn't|can't|nothing to summarize/i.test(final.content ?? "") ? "told" : "answered";
	if (!last?.embeds?.at(-1)?.footer?.text) return "answered";
	return isExtractive(last.embeds) ? "fallback" : "delivered";
}

/** Each token's delivery; tokens without any webhook call are absent (lost, if they were deferred). */
export async function deliveries(emulatorUrl: string): Promise<Map<string, Delivery>> {
	const records = (await (await fetch(`${emulatorUrl}/__records`)).json()) as RecordedEdit[];
	const byToken = new Map<string, RecordedEdit[]>();
	for (const record of records) byToken.set(record.token, [...(byToken.get(record.token) ?? []), record]);
	const result = new Map<string, Delivery>();
	for (const [token, edits] of byToken) {
		const finals = edits.filter((edit) => edit.method === "PATCH" && !isProgress(edit.body));
		const posts = edits.filter((edit) => edit.method === "POST");
		const followups = [...new Set(posts.map((edit) => JSON.stringify(edit.body)))].map((text) => JSON.parse(text) as Body);
		const final = finals.at(-1)?.body as Body | undefined;
		result.set(token, {
			fate: fate(final, (posts.at(-1)?.body as Body | undefined) ?? final),
			duplicates: Math.max(0, finals.length - 1) + (posts.length - followups.length),
			embeds: [final, ...followups].flatMap((body) => body?.embeds ?? []),
		});
	}
	return result;
}

/** Waits until every token in `tokens` has a final delivery, or `timeoutMs` passes; returns what came. */
export async function drain(emulatorUrl: string, tokens: Iterable<string>, timeoutMs: number): Promise<Map<string, Delivery>> {
	const waiting = [...tokens];
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = await deliveries(emulatorUrl);
		if (waiting.every((token) => (found.get(token)?.fate ?? "lost") !== "lost") || Date.now() > deadline) return found;
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
}

/** Counts among `tokens`: summaries delivered (by the fallback among them), failures told, other replies, lost, duplicated. */
export function tally(found: Map<string, Delivery>, tokens: Iterable<string>) {
	const counts = { delivered: 0, by_fallback: 0, told_user: 0, answered: 0, lost: 0, duplicated: 0 };
	for (const token of tokens) {
		const delivery = found.get(token) ?? { fate: "lost", duplicates: 0, embeds: [] };
		if (delivery.fate === "delivered" || delivery.fate === "fallback") counts.delivered++;
		if (delivery.fate === "fallback") counts.by_fallback++;
		if (delivery.fate === "told") counts.told_user++;
		if (delivery.fate === "answered") counts.answered++;
		if (delivery.fate === "lost") counts.lost++;
		if (delivery.duplicates) counts.duplicated++;
	}
	return counts;
}
