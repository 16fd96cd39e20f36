// Summaries the guild Durable Object recently answered from its cache, kept in this Worker isolate
// for a short while, so a popular summary is served without even a Durable Object call.
// Only exact keys (those naming the channel's last message) are kept: their summary can't change.
// The short lifetime bounds how long an entry the Durable Object has dropped can still be served.
import type { SummaryMessage } from "./guild-object";

export const ISOLATE_CACHE_LIMITS = { entries: 256, lifetimeMs: 60_000 };

export class IsolateCache {
	// A Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
	private readonly entries = new Map<string, { summary: SummaryMessage; expiresAt: number }>();

	get(key: string, now: number): SummaryMessage | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		this.entries.delete(key);
		if (entry.expiresAt <= now) return undefined;
		this.entries.set(key, entry);
		return entry.summary;
	}

	put(key: string, summary: SummaryMessage, expiresAt: number, now: number): void {
		this.entries.delete(key);
		this.entries.set(key, { summary, expiresAt: Math.min(expiresAt, now + ISOLATE_CACHE_LIMITS.lifetimeMs) });
		if (this.entries.size > ISOLATE_CACHE_LIMITS.entries) this.entries.delete(this.entries.keys().next().value!);
	}
}
