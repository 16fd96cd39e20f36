// The Discord REST client of the queue consumer: bot-token auth, rate limits, 429 retry_after honoured,
// 5xx and network errors retried with backoff and jitter, 401/403/404 never retried, and a breaker that
// keeps invalid requests far below Discord's 10,000 per 10 minutes, past which Discord bans the bot for
// an hour. With a coordinator, a request made with the bot's token takes a slot the coordinator leased
// (leases.ts): the global limit, the routes' buckets, 429s and invalid requests are then one view for
// every isolate. Interaction webhooks, which Discord limits apart from the bot, keep this isolate's view
// (rate-limits.ts), as does a client without a coordinator.
import packageJson from "../../package.json";
import { type RetryVerdict, realSleep, retry, type Sleep } from "../lib/retry";
import { SECOND_MS } from "../lib/time";
import { INVALID_REQUESTS } from "./budget";
import { type Coordinator, coordinatorOf } from "./coordinator";
import { Leases, RefusedError, type Slot } from "./leases";
import { type BucketHeaders, RateLimits, readBucketHeaders, routeKey, routeLabel } from "./rate-limits";

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
	/** The bot's one budget, shared by every isolate; without it, this isolate's own view. */
	coordinator?: Coordinator;
}

/** Whom a request is for: the coordinator shares the budget fairly between guilds. */
export interface RequestOptions {
	/** False for an interaction's webhook, whose token is its auth (and whose limits are not the bot's). */
	auth?: boolean;
	guild?: string;
}
/** 5xx and network errors: 0.25 s, 0.5 s, 1 s, … between tries (with jitter). */
const BACKOFF = { baseMs: 250 };
const USER_AGENT = `DiscordBot (${packageJson.homepage}, ${packageJson.version})`;

export class DiscordRest {
	private readonly limits = new RateLimits();
	private invalidAt: number[] = [];
	private readonly fetch: typeof fetch;
	private readonly sleep: Sleep;
	private readonly now: () => number;
	private readonly leases: Leases | undefined;

	constructor(private readonly options: RestOptions) {
		this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
		this.sleep = options.sleep ?? realSleep;
		this.now = options.now ?? Date.now;
		this.leases = options.coordinator && new Leases(options.coordinator, this.now);
	}

	get<T>(path: string, options: Omit<RequestOptions, "auth"> = {}): Promise<T> {
		return this.request<T>("GET", path, undefined, options);
	}

	request<T>(method: string, path: string, body?: unknown, { auth = true, guild = "" }: RequestOptions = {}): Promise<T> {
		const send = () => this.send<T>(method, path, body, auth, guild);
		const retryable = (error: unknown) => error instanceof DiscordError && error.retry;
		return retry(send, { ...BACKOFF, attempts: this.options.maxAttempts ?? 5, retryable, sleep: this.sleep, random: this.options.random });
	}

	/** Sends what is not yet reported to the coordinator (tests and benchmarks, before they read it). */
	flush(): Promise<void> {
		return this.leases?.flush() ?? Promise.resolve();
	}

	/** One try: waits for the route's rate limit, sends, and turns a failure into a DiscordError that says whether to retry. */
	private async send<T>(method: string, path: string, body: unknown, auth: boolean, guild: string): Promise<T> {
		const route = routeKey(method, path);
		const maxWaitMs = this.options.maxWaitMs ?? 60_000;
		this.checkBreaker();
		// Interaction webhooks (sent without the bot's token) are limited apart from the bot: this isolate's view serves.
		const leases = auth ? this.leases : undefined;
		const slot = leases ? await this.leasedSlot(leases, route, guild, maxWaitMs) : await this.localSlot(route, maxWaitMs);
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
			// It may have reached Discord all the same: its slot counts as sent.
			this.settle(route, slot, undefined);
			throw new DiscordError(0, undefined, `${routeLabel(route)}: Discord unreachable: ${String(error)}`, true);
		}
		if (response.ok) {
			this.settle(route, slot, response);
			return (response.status === 204 ? undefined : await response.json()) as T;
		}

		const error = await readError(response);
		const limited = response.status === 429 ? { waitMs: retryAfterMs(response, error), global: isGlobal(response, error) } : undefined;
		this.settle(route, slot, response, limited);
		if (response.status === 401 || response.status === 403 || response.status === 429) this.invalidAt.push(this.now());
		const verdict: RetryVerdict = limited ? limited.waitMs <= maxWaitMs && { afterMs: limited.waitMs } : response.status >= 500;
		throw new DiscordError(response.status, error.code, `${routeLabel(route)}: ${response.status} ${error.message}`, verdict);
	}

	/** Tells what came of a request to whoever gave its slot: the coordinator, or this isolate's own view. */
	private settle(
		route: string,
		slot: Slot | undefined,
		response: Response | undefined,
		limited?: { waitMs: number; global: boolean },
	): void {
		if (slot) {
			const bucket = response && bucketOf(response.headers);
			this.leases?.settle(slot, { status: response?.status ?? 0, bucket, retryAfterMs: limited?.waitMs, global: limited?.global });
			return;
		}
		this.limits.settle(route, response?.headers, this.now());
		if (limited) this.limits.limited(route, limited.waitMs, limited.global, this.now());
	}

	/** A slot from this isolate's own view of the route: undefined, as there is no lease to report to. */
	private async localSlot(route: string, maxWaitMs: number): Promise<undefined> {
		for (let wait = this.limits.take(route, this.now()); wait > 0; wait = this.limits.take(route, this.now())) {
			if (wait > maxWaitMs) throw rateLimited(route, wait);
			await this.sleep(wait);
		}
		return undefined;
	}

	/** A slot the coordinator leased; its refusals become the errors this client has always thrown. */
	private async leasedSlot(leases: Leases, route: string, guild: string, maxWaitMs: number): Promise<Slot> {
		try {
			return await leases.take(route, guild, maxWaitMs);
		} catch (error) {
			if (!(error instanceof RefusedError)) throw error;
			const { refusal } = error;
			if ("unavailable" in refusal)
				throw new DiscordError(503, undefined, `Discord budget unavailable: ${String(refusal.unavailable)}`, true);
			if (refusal.refused === "breaker") throw holdingOff();
			throw rateLimited(route, refusal.waitMs);
		}
	}

	private checkBreaker(): void {
		const since = this.now() - INVALID_REQUESTS.windowMs;
		this.invalidAt = this.invalidAt.filter((at) => at > since);
		if (this.invalidAt.length >= INVALID_REQUESTS.limit) throw holdingOff();
	}
}

function holdingOff(): DiscordError {
	return new DiscordError(503, undefined, "too many invalid Discord requests lately; holding off");
}

function rateLimited(route: string, waitMs: number): DiscordError {
	return new DiscordError(429, undefined, `rate limited on ${routeLabel(route)} for ${Math.ceil(waitMs / SECOND_MS)} s`);
}

function retryAfterMs(response: Response, error: { retryAfter?: number }): number {
	return Math.ceil((error.retryAfter ?? Number(response.headers.get("retry-after") ?? 1)) * SECOND_MS);
}

/** The bucket an answer's X-RateLimit-* headers describe, when they describe one and name it. */
function bucketOf(headers: Headers): BucketHeaders | undefined {
	const bucket = readBucketHeaders(headers);
	return bucket?.id === undefined ? undefined : { ...bucket, id: bucket.id };
}

// One client per isolate and configuration, so learned rate limits and the breaker outlive a request.
let shared: { key: string; client: DiscordRest } | undefined;

export function restFor(env: Pick<Env, "DISCORD_API_BASE" | "DISCORD_BOT_TOKEN" | "DISCORD_COORDINATOR">): DiscordRest {
	const key = `${env.DISCORD_API_BASE}|${env.DISCORD_BOT_TOKEN}`;
	if (shared?.key !== key) {
		const coordinator = coordinatorOf(env);
		shared = { key, client: new DiscordRest({ base: env.DISCORD_API_BASE, token: env.DISCORD_BOT_TOKEN, coordinator }) };
	}
	return shared.client;
}

/**
 * Whether a 429 holds every route: Discord says so (`global`, or the scope header), and a 429 without a
 * scope is Cloudflare's ban of the bot's address, which no route escapes.
 */
function isGlobal(response: Response, error: { global?: boolean }): boolean {
	const scope = response.headers.get("x-ratelimit-scope");
	return !!error.global || scope === "global" || scope === null;
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
