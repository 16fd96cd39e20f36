// A small least-recently-used cache with a short lifetime, kept in a Worker isolate: what was recently
// learned from a slower store (the guild Durable Object, Discord), served without asking it again. The
// short lifetime bounds how long an entry the store has since dropped or changed can still be served.

export const ISOLATE_CACHE_LIMITS = { entries: 256, lifetimeMs: 60_000 };

export class IsolateCache<T> {
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

	delete(key: string): void {
		this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}
}
