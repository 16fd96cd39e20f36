// The Discord emulator's bot-wide limits, off until a test or benchmark turns them on (POST /__emulator/limits):
// the global limit (50 requests a second per bot, over a sliding second, the strictest reading of Discord's
// rule), and the ban that follows too many invalid requests (401, 403, 429; Discord: 10,000 in 10 minutes,
// then an hour without the API). It also counts what a benchmark reports: requests sent, the most in any
// second, 429s and invalid requests.

export interface LimitsConfig {
	global?: { limit: number; windowMs: number };
	ban?: { invalid: number; windowMs: number; banMs: number };
	/** How long Discord takes to answer a page of messages, in place of the emulator's own setting. */
	latencyMs?: number;
}

export interface LimitStats {
	/** Requests with the bot's token that Discord served (not refused by a limit). */
	sent: number;
	/** The most requests with the bot's token that reached the emulator within any one window of the global limit. */
	peakPerWindow: number;
	/** 429s answered: for a route's bucket, for the global limit, while banned. */
	routeLimited: number;
	globalLimited: number;
	banned: number;
	invalid: number;
	bannedAt: number | null;
	since: number;
}

const STATS_WINDOW_MS = 1000;

export class BotLimits {
	private config: LimitsConfig = {};
	/** When recent requests with the bot's token arrived: the sliding window of the global limit. */
	private recent: number[] = [];
	private invalidAt: number[] = [];
	private bannedUntil = 0;
	private counts!: LimitStats;

	constructor() {
		this.reset({});
	}

	get latencyMs(): number | undefined {
		return this.config.latencyMs;
	}

	/** New limits, and every count from zero: a fresh Discord for the next scenario. */
	reset(config: LimitsConfig): void {
		this.config = config;
		this.recent = [];
		this.invalidAt = [];
		this.bannedUntil = 0;
		this.counts = {
			sent: 0,
			peakPerWindow: 0,
			routeLimited: 0,
			globalLimited: 0,
			banned: 0,
			invalid: 0,
			bannedAt: null,
			since: Date.now(),
		};
	}

	/** A ban's or the global limit's 429 for this request, or undefined to serve it. `bot`: sent with the bot's token. */
	admit(bot: boolean, now: number): Response | undefined {
		if (this.bannedUntil > now) {
			this.counts.banned++;
			const retryAfter = (this.bannedUntil - now) / 1000;
			return new Response("error code: 1015", { status: 429, headers: { "retry-after": String(Math.ceil(retryAfter)) } });
		}
		if (!bot) return undefined;
		const windowMs = this.config.global?.windowMs ?? STATS_WINDOW_MS;
		this.recent = this.recent.filter((at) => at > now - windowMs);
		const limit = this.config.global?.limit;
		if (limit !== undefined && this.recent.length >= limit) {
			this.counts.globalLimited++;
			this.invalid(now);
			const retryAfter = Math.max(0.001, (this.recent[0] + windowMs - now) / 1000);
			return Response.json(
				{ message: "You are being rate limited.", retry_after: retryAfter, global: true },
				{
					status: 429,
					headers: { "retry-after": String(Math.ceil(retryAfter)), "x-ratelimit-global": "true", "x-ratelimit-scope": "global" },
				},
			);
		}
		this.recent.push(now);
		this.counts.sent++;
		this.counts.peakPerWindow = Math.max(this.counts.peakPerWindow, this.recent.length);
		return undefined;
	}

	routeLimited(now: number): void {
		this.counts.routeLimited++;
		this.invalid(now);
	}

	/** Counts an invalid request; past the ban's threshold, bans the bot. */
	invalid(now: number): void {
		this.counts.invalid++;
		const ban = this.config.ban;
		if (!ban) return;
		this.invalidAt = this.invalidAt.filter((at) => at > now - ban.windowMs);
		this.invalidAt.push(now);
		if (this.invalidAt.length >= ban.invalid && this.bannedUntil <= now) {
			this.bannedUntil = now + ban.banMs;
			this.counts.bannedAt ??= now;
		}
	}

	stats(): LimitStats {
		return { ...this.counts };
	}
}
