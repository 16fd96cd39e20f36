// The Discord REST client of the queue consumer: bot-token auth, rate limits learned from the answers
// (rate-limits.ts), 429 retry_after honoured, 5xx and network errors retried with backoff and jitter,
// 401/403/404 never retried, and a breaker that keeps invalid requests far below Discord's
// 10,000 per 10 minutes, past which Discord bans the IP for a while.
import packageJson from "../../package.json";
import { type RetryVerdict, realSleep, retry, type Sleep } from "../lib/retry";
import { MINUTE_MS, SECOND_MS } from "../lib/time";
import { RateLimits, routeKey, routeLabel } from "./rate-limits";

export class DiscordError extends Error {
	constructor(
		readonly status: number,
		/** Discord's JSON error code, when it sent one. */
		readonly code: number | undefined,
		message: string,
		/** Whether the request may be sent again: after backoff, after the wait Discord named, or not. */
		readonly retry: RetryVerdict = false,
	) {
		super(message);
	}
}

export interface RestOptions {
	base: string;
	token: string;
	fetch?: typeof fetch;
	sleep?: Sleep;
	now?: () => number;
	random?: () => number;
	/** Tries per request, the first included. */
	maxAttempts?: number;
	/** A rate limit that would make a request wait longer than this fails it instead. */
	maxWaitMs?: number;
}

/** Invalid answers (401, 403, 429) allowed per 10 minutes before the breaker opens: a tenth of Discord's ban threshold. */
export const INVALID_REQUESTS = { limit: 1000, windowMs: 10 * MINUTE_MS };
/** 5xx and network errors: 0.25 s, 0.5 s, 1 s, … between tries (with jitter). */
const BACKOFF = { baseMs: 250 };
const USER_AGENT = `DiscordBot (${packageJson.homepage}, ${packageJson.version})`;

export class DiscordRest {
	private readonly limits = new RateLimits();
	private invalidAt: number[] = [];
	private readonly fetch: typeof fetch;
	private readonly sleep: Sleep;
	private readonly now: () => number;

	constructor(private readonly options: RestOptions) {
		this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
		this.sleep = options.sleep ?? realSleep;
		this.now = options.now ?? Date.now;
	}

	get<T>(path: string): Promise<T> {
		return this.request<T>("GET", path);
	}

	request<T>(method: string, path: string, body?: unknown, { auth = true } = {}): Promise<T> {
		const send = () => this.send<T>(method, path, body, auth);
		const retryable = (error: unknown) => error instanceof DiscordError && error.retry;
		return retry(send, { ...BACKOFF, attempts: this.options.maxAttempts ?? 5, retryable, sleep: this.sleep, random: this.options.random });
	}

	/** One try: waits for the route's rate limit, sends, and turns a failure into a DiscordError that says whether to retry. */
	private async send<T>(method: string, path: string, body: unknown, auth: boolean): Promise<T> {
		const route = routeKey(method, path);
		const maxWaitMs = this.options.maxWaitMs ?? 60_000;
		this.checkBreaker();
		for (let wait = this.limits.take(route, this.now()); wait > 0; wait = this.limits.take(route, this.now())) {
			if (wait > maxWaitMs)
				throw new DiscordError(429, undefined, `rate limited on ${routeLabel(route)} for ${Math.ceil(wait / SECOND_MS)} s`);
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
			throw new DiscordError(0, undefined, `${routeLabel(route)}: Discord unreachable: ${String(error)}`, true);
		}
		this.limits.settle(route, response.headers, this.now());
		if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;

		const error = await readError(response);
		if (response.status === 401 || response.status === 403 || response.status === 429) this.invalidAt.push(this.now());
		let verdict: RetryVerdict = response.status >= 500;
		if (response.status === 429) {
			const retryAfterMs = Math.ceil((error.retryAfter ?? Number(response.headers.get("retry-after") ?? 1)) * SECOND_MS);
			const global = error.global || response.headers.get("x-ratelimit-scope") === "global";
			this.limits.limited(route, retryAfterMs, global, this.now());
			verdict = retryAfterMs <= maxWaitMs && { afterMs: retryAfterMs };
		}
		throw new DiscordError(response.status, error.code, `${routeLabel(route)}: ${response.status} ${error.message}`, verdict);
	}

	private checkBreaker(): void {
		const since = this.now() - INVALID_REQUESTS.windowMs;
		this.invalidAt = this.invalidAt.filter((at) => at > since);
		if (this.invalidAt.length >= INVALID_REQUESTS.limit) {
			throw new DiscordError(503, undefined, "too many invalid Discord requests lately; holding off");
		}
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
