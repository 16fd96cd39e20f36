// The Discord REST client of the queue consumer: bot-token auth, rate limits learned from the answers
// (rate-limits.ts), 429 retry_after honoured, 5xx and network errors retried with backoff and jitter,
// 401/403/404 never retried, and a breaker that keeps invalid requests far below Discord's
// 10,000 per 10 minutes, past which Discord bans the IP for a while.
import packageJson from "../../package.json";
import { RateLimits, routeKey, routeLabel } from "./rate-limits";

export class DiscordError extends Error {
	constructor(
		readonly status: number,
		/** Discord's JSON error code, when it sent one. */
		readonly code: number | undefined,
		message: string,
	) {
		super(message);
	}
}

export interface RestOptions {
	base: string;
	token: string;
	fetch?: typeof fetch;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
	random?: () => number;
	/** Tries per request, the first included. */
	maxAttempts?: number;
	/** A rate limit that would make a request wait longer than this fails it instead. */
	maxWaitMs?: number;
}

/** Invalid answers (401, 403, 429) allowed per 10 minutes before the breaker opens: a tenth of Discord's ban threshold. */
export const INVALID_REQUESTS = { limit: 1000, windowMs: 10 * 60 * 1000 };
const USER_AGENT = `DiscordBot (${packageJson.homepage}, ${packageJson.version})`;

export class DiscordRest {
	private readonly limits = new RateLimits();
	private invalidAt: number[] = [];
	private readonly fetch: typeof fetch;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly now: () => number;
	private readonly random: () => number;

	constructor(private readonly options: RestOptions) {
		this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
		this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
		this.now = options.now ?? Date.now;
		this.random = options.random ?? Math.random;
	}

	get<T>(path: string): Promise<T> {
		return this.request<T>("GET", path);
	}

	async request<T>(method: string, path: string, body?: unknown, { auth = true } = {}): Promise<T> {
		const route = routeKey(method, path);
		const maxAttempts = this.options.maxAttempts ?? 5;
		const maxWaitMs = this.options.maxWaitMs ?? 60_000;
		for (let attempt = 1; ; attempt++) {
			this.checkBreaker();
			for (let wait = this.limits.take(route, this.now()); wait > 0; wait = this.limits.take(route, this.now())) {
				if (wait > maxWaitMs) throw new DiscordError(429, undefined, `rate limited on ${routeLabel(route)} for ${Math.ceil(wait / 1000)} s`);
				await this.sleep(wait);
			}
			let response: Response;
			try {
				response = await this.fetch(`${this.options.base}${path}`, {
					method,
					headers: {
						"user-agent": USER_AGENT,
						...(auth ? { authorization: `Bot ${this.options.token}` } : {}),
						...(body === undefined ? {} : { "content-type": "application/json" }),
					},
					body: body === undefined ? undefined : JSON.stringify(body),
				});
			} catch (error) {
				this.limits.settle(route, undefined, this.now());
				if (attempt >= maxAttempts) throw new DiscordError(0, undefined, `${routeLabel(route)}: Discord unreachable: ${String(error)}`);
				await this.sleep(this.backoff(attempt));
				continue;
			}
			this.limits.settle(route, response.headers, this.now());
			if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;

			const error = await readError(response);
			if (response.status === 401 || response.status === 403 || response.status === 429) this.invalidAt.push(this.now());
			if (response.status === 429) {
				const retryAfterMs = Math.ceil((error.retryAfter ?? Number(response.headers.get("retry-after") ?? 1)) * 1000);
				const global = error.global || response.headers.get("x-ratelimit-scope") === "global";
				this.limits.limited(route, retryAfterMs, global, this.now());
				if (attempt < maxAttempts && retryAfterMs <= maxWaitMs) continue;
			} else if (response.status >= 500 && attempt < maxAttempts) {
				await this.sleep(this.backoff(attempt));
				continue;
			}
			throw new DiscordError(response.status, error.code, `${routeLabel(route)}: ${response.status} ${error.message}`);
		}
	}

	private checkBreaker(): void {
		const since = this.now() - INVALID_REQUESTS.windowMs;
		this.invalidAt = this.invalidAt.filter((at) => at > since);
		if (this.invalidAt.length >= INVALID_REQUESTS.limit) {
			throw new DiscordError(503, undefined, "too many invalid Discord requests lately; holding off");
		}
	}

	/** Exponential backoff with jitter: 0.25 s, 0.5 s, 1 s, … each between half and one and a half times that. */
	private backoff(attempt: number): number {
		return 250 * 2 ** (attempt - 1) * (0.5 + this.random());
	}
}

// One client per isolate and configuration, so learned rate limits and the breaker outlive a request.
let shared: { key: string; client: DiscordRest } | undefined;

export function restFor(env: Pick<Env, "DISCORD_API_BASE" | "DISCORD_BOT_TOKEN">): DiscordRest {
	const key = `${env.DISCORD_API_BASE}|${env.DISCORD_BOT_TOKEN}`;
	if (shared?.key !== key) shared = { key, client: new DiscordRest({ base: env.DISCORD_API_BASE, token: env.DISCORD_BOT_TOKEN }) };
	return shared.client;
}

async function readError(response: Response): Promise<{ message: string; code?: number; retryAfter?: number; global?: boolean }> {
	const text = await response.text();
	try {
		const body = JSON.parse(text) as { message?: string; code?: number; retry_after?: number; global?: boolean };
		return { message: body.message ?? text.slice(0, 200), code: body.code, retryAfter: body.retry_after, global: body.global };
	} catch {
		return { message: text.slice(0, 200) };
	}
}
