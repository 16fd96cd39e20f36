import { describe, expect, it } from "vitest";
import { ISOLATE_CACHE_LIMITS, IsolateCache } from "../../src/lib/isolate-cache";

const summary = (n: number) => ({ content: `summary ${n}` });

describe("IsolateCache", () => {
	it("serves an entry until its expiry, and never past the isolate lifetime", () => {
		const cache = new IsolateCache<{ content: string }>();
		cache.put("a", summary(1), 5_000, 0);
		expect(cache.get("a", 4_999)).toEqual(summary(1));
		expect(cache.get("a", 5_000)).toBeUndefined();
		cache.put("b", summary(2), 3_600_000, 0);
		expect(cache.get("b", ISOLATE_CACHE_LIMITS.lifetimeMs - 1)).toEqual(summary(2));
		expect(cache.get("b", ISOLATE_CACHE_LIMITS.lifetimeMs)).toBeUndefined();
	});

	it("keeps at most its entry limit, dropping the least recently used", () => {
		const cache = new IsolateCache<{ content: string }>();
		for (let i = 0; i < ISOLATE_CACHE_LIMITS.entries; i++) cache.put(`k${i}`, summary(i), 10_000, 0);
		expect(cache.get("k0", 1)).toEqual(summary(0));
		cache.put("new", summary(-1), 10_000, 1);
		expect(cache.get("k0", 1)).toEqual(summary(0));
		expect(cache.get("k1", 1)).toBeUndefined();
		expect(cache.get("new", 1)).toEqual(summary(-1));
	});
});
