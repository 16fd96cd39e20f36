// A small least-recently-used cache with a short lifetime, kept in a Worker isolate. Its main use:
// summaries the guild Durable Object recently answered from its cache, so a popular summary is served
// without even a Durable Object call (the consumer also keeps guilds' role names in one).
// Only exact keys (those naming the channel's last message) are kept: their summary can't change.
// The short lifetime bounds how long an entry the Durable Object has dropped can still be served, and
// how long a request that left its style or language to the guild's defaults can still get the summary
// those defaults made before an admin changed them (in the isolate that ran /config, not at all: it clears).
import type { SummaryMessage } from "./guild-object";

export const ISOLATE_CACHE_LIMITS = { entries: 256, lifetimeMs: 60_000 };

export class IsolateCache<T = SummaryMessage> {
	// A Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
	private readonly entries = new Map<string, { value: T; expiresAt: number }>();

	get(key: string, now: number): T | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		this.entries.delete(key);
		if (entry.expiresAt <= now) return undefined;
		this.entries.set(key, entry);
		return entry.value;
	}

	put(key: string, value: T, expiresAt: number, now: number): void {
		this.entries.delete(key);
		this.entries.set(key, { value, expiresAt: Math.min(expiresAt, now + ISOLATE_CACHE_LIMITS.lifetimeMs) });
		if (this.entries.size > ISOLATE_CACHE_LIMITS.entries) this.entries.delete(this.entries.keys().next().value!);
	}

	clear(): void {
		this.entries.clear();
	}
}
