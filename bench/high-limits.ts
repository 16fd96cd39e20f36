// The guild's token buckets with limits no benchmark workload reaches. `npm run bench:cache` builds the bot
// with this module in place of src/guild/token-bucket.ts (a wrangler `alias` of the specifier "./token-bucket"),
// so that it measures the cache alone: a denied request would neither cost an LLM call nor leave a summary
// to reuse. The buckets themselves are the real ones.
import type { BucketRule } from "../src/guild/token-bucket.ts";

export { type BucketRule, charge, costIn, giveBack, take } from "../src/guild/token-bucket.ts";

export const DEFAULT_LIMITS = {
	guild: { capacity: 1_000_000, refillMs: 1 },
	user: { capacity: 1_000_000, refillMs: 1 },
} satisfies Record<string, BucketRule>;
