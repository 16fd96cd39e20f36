// Stand-in for Discord's HTTP API, shared by tests, benchmarks and `npm start`: channels of messages
// paged as Discord pages them, bot-token auth, injectable faults, webhooks that record what the
// bot sends, and the messages the bot posts in a channel (a digest), which join its history.
// A fetch-style handler: tests mount it as the Worker's outbound service.
// Control routes (for tests): POST /__emulator/channels {id, messages | generate: {count, seed?, spacingMs?},
// rateLimit?: {limit, windowMs}} (generated history: see discord-messages.ts),
// POST /__emulator/channels/:id/messages {messages} (new messages arrive), POST /__emulator/faults {path, status, times,
// retryAfter?, method?}, DELETE /__emulator/faults, GET /__emulator/stats (invalid requests; pages of messages read, per
// channel), GET /__records[?token=] (webhook calls),
// POST|GET /__emulator/guilds (a guild's name, channels and roles, for pages that show it and for GET /guilds/:id/roles),
// GET /__emulator/channels/:id/messages (paged like the API, without auth or rate limits),
// POST /__emulator/limits {global?, ban?, latencyMs?} (the bot-wide limits, off by default: discord-limits.ts; every
// count from zero; and how long a page of messages takes) and GET /__emulator/limits (what was sent and refused since).
import type {
	APIMessage,
	APIRole,
	ChannelType,
	RESTPostAPIChannelMessageJSONBody,
	RESTPutAPIApplicationCommandsJSONBody,
	RoleFlags,
} from "discord-api-types/v10";
import { BotLimits, type LimitsConfig } from "./discord-limits.ts";
import { type GenerateOptions, generateMessages, messageObject } from "./discord-messages.ts";

export interface RecordedEdit {
	applicationId: string;
	token: string;
	method: string;
	/** The message id edited, "@original", or null for a follow-up. */
	messageId: string | null;
	body: unknown;
}

/** What a member sees of a guild: the part the emulator keeps for pages that show it. */
export interface EmulatedGuild {
	id: string;
	name: string;
	channels: { id: string; name: string; type: ChannelType; parent_id?: string; topic?: string }[];
	roles: Pick<APIRole, "id" | "name" | "color">[];
}

export interface DiscordEmulator {
	fetch(request: Request): Promise<Response>;
}

interface Fault {
	path: string;
	status: number;
	times: number;
	/** For a 429: the seconds Discord says to wait (default 0.05). */
	retryAfter?: number;
	/** Only requests with this method fail (default: any), e.g. the bot may read a channel but not post in it. */
	method?: string;
}

const API = "/api/v10";
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Reading a channel's messages: Discord-like, per channel. */
const DEFAULT_RATE_LIMIT = { limit: 50, windowMs: 1000 };

interface Bucket {
	limit: number;
	windowMs: number;
	used: number;
	resetAt: number;
}

function limitHeaders(bucket: Bucket, name: string, now: number): Record<string, string> {
	return {
		"x-ratelimit-limit": String(bucket.limit),
		"x-ratelimit-remaining": String(Math.max(0, bucket.limit - bucket.used)),
		"x-ratelimit-reset": String((bucket.resetAt / 1000).toFixed(3)),
		"x-ratelimit-reset-after": String(Math.max(0, (bucket.resetAt - now) / 1000).toFixed(3)),
		"x-ratelimit-bucket": name,
	};
}
export const EMULATOR_BOT_TOKEN = "test-bot-token";
/** The bot's user, as the author of the messages it posts (a digest). Its id is the application's, as on Discord. */
export const EMULATOR_BOT_USER = {
	id: "100000000000000001",
	username: "Summary Bot",
	global_name: null,
	discriminator: "0",
	avatar: null,
	bot: true,
};

function discordError(status: number, message: string, code = 0): Response {
	return Response.json({ message, code }, { status });
}

/**
 * The index of the first of `messages` (oldest first, as a channel keeps them) whose id is at least `id`, or
 * above it when `strict`; their count when none is. A binary search: a benchmark's page of a 10,000-message
 * channel must cost the emulator next to nothing, as Discord's own work costs the bot nothing.
 */
function firstFrom(messages: APIMessage[], id: bigint, strict = false): number {
	let lo = 0;
	let hi = messages.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		const at = BigInt(messages[mid].id);
		if (strict ? at > id : at >= id) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

/** Newest first, as Discord answers; `before`, `after` and `around` as Discord reads them. */
function page(messages: APIMessage[], query: URLSearchParams): APIMessage[] | Response {
	const limit = Number(query.get("limit") ?? 50);
	if (!Number.isInteger(limit) || limit < 1 || limit > 100)
		return Response.json({ message: "Invalid Form Body", code: 50035 }, { status: 400 });
	let from: number;
	let to: number;
	if (query.has("before")) {
		to = firstFrom(messages, BigInt(query.get("before")!));
		from = Math.max(0, to - limit);
	} else if (query.has("after")) {
		from = firstFrom(messages, BigInt(query.get("after")!), true);
		to = Math.min(messages.length, from + limit);
	} else if (query.has("around")) {
		const found = firstFrom(messages, BigInt(query.get("around")!));
		const at = found === messages.length ? 0 : found;
		from = Math.max(0, at - Math.floor(limit / 2));
		to = Math.min(messages.length, from + limit);
	} else {
		to = messages.length;
		from = Math.max(0, to - limit);
	}
	return messages.slice(from, to).reverse();
}

export function createDiscordEmulator(options: { botToken?: string; latencyMs?: number } = {}): DiscordEmulator {
	const channels = new Map<string, APIMessage[]>();
	/** The members of the threads seeded with some. */
	const members = new Map<string, Set<string>>();
	const buckets = new Map<string, Bucket>();
	/** Pages of messages served to the bot, per channel: what a benchmark's read of a range cost. */
	const pagesRead = new Map<string, number>();
	let invalid = 0;
	const limits = new BotLimits();
	const countInvalid = () => {
		invalid++;
		limits.invalid(Date.now());
	};
	/** Takes one request from the channel's bucket: its headers, or a 429 when it is empty. */
	const take = (channelId: string): { headers: Record<string, string>; limited?: Response } => {
		const now = Date.now();
		const bucket = buckets.get(channelId) ?? { ...DEFAULT_RATE_LIMIT, used: 0, resetAt: 0 };
		buckets.set(channelId, bucket);
		if (bucket.resetAt <= now) Object.assign(bucket, { used: 0, resetAt: now + bucket.windowMs });
		bucket.used++;
		const headers = limitHeaders(bucket, `messages-${channelId}`, now);
		if (bucket.used <= bucket.limit) return { headers };
		invalid++;
		limits.routeLimited(now);
		const retryAfter = (bucket.resetAt - now) / 1000;
		const limited = Response.json(
			{ message: "You are being rate limited.", retry_after: retryAfter, global: false },
			{ status: 429, headers: { ...headers, "retry-after": String(Math.ceil(retryAfter)), "x-ratelimit-scope": "user" } },
		);
		return { headers, limited };
	};
	const faults: Fault[] = [];
	const records: RecordedEdit[] = [];
	const registeredCommands = new Map<string, unknown[]>();
	const guilds = new Map<string, EmulatedGuild>();
	/** Messages the bot posted, by channel and nonce: with `enforce_nonce`, a repeat returns the first instead. */
	const posted = new Map<string, APIMessage>();
	const botToken = options.botToken ?? EMULATOR_BOT_TOKEN;

	/** Discord's 401 for a request without the bot's token (an invalid request, as Discord counts them). */
	const unauthorized = (request: Request): Response | undefined => {
		if (request.headers.get("authorization") === `Bot ${botToken}`) return undefined;
		countInvalid();
		return discordError(401, "401: Unauthorized");
	};

	const routes: [string, RegExp, (request: Request, match: RegExpMatchArray, url: URL) => Promise<Response>][] = [
		[
			"POST",
			/^\/__emulator\/channels$/,
			async (request) => {
				const {
					id,
					messages: given,
					generate,
					rateLimit,
					threadMembers,
				} = (await request.json()) as {
					id: string;
					messages?: APIMessage[];
					generate?: Omit<GenerateOptions, "channelId">;
					rateLimit?: { limit: number; windowMs: number };
					/** For a thread: the ids of its members. */
					threadMembers?: string[];
				};
				if (threadMembers) members.set(id, new Set(threadMembers));
				const messages = given ?? generateMessages({ channelId: id, count: 0, ...generate });
				channels.set(
					id,
					[...messages].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)),
				);
				if (rateLimit) buckets.set(id, { ...rateLimit, used: 0, resetAt: 0 });
				return Response.json({
					id,
					messages: messages.length,
					firstMessageId: channels.get(id)![0]?.id ?? null,
					lastMessageId: channels.get(id)!.at(-1)?.id ?? null,
				});
			},
		],
		[
			"POST",
			/^\/__emulator\/channels\/(\d+)\/messages$/,
			async (request, match) => {
				const messages = channels.get(match[1]);
				if (!messages) return discordError(404, "Unknown Channel", 10003);
				const { messages: arriving } = (await request.json()) as { messages: APIMessage[] };
				const newest = messages.at(-1);
				if (newest && arriving.some((message) => BigInt(message.id) <= BigInt(newest.id)))
					return discordError(400, "new messages must be newer than the channel's newest");
				messages.push(...arriving);
				return Response.json({ id: match[1], messages: messages.length, lastMessageId: messages.at(-1)?.id ?? null });
			},
		],
		[
			"POST",
			/^\/__emulator\/faults$/,
			async (request) => {
				faults.push((await request.json()) as Fault);
				return new Response(null, { status: 204 });
			},
		],
		[
			"DELETE",
			/^\/__emulator\/faults$/,
			async () => {
				faults.length = 0;
				return new Response(null, { status: 204 });
			},
		],
		[
			"GET",
			/^\/__records$/,
			async (_, __, url) => {
				const token = url.searchParams.get("token");
				return Response.json(token === null ? records : records.filter((record) => record.token === token));
			},
		],
		[
			"POST",
			/^\/__emulator\/guilds$/,
			async (request) => {
				const guild = (await request.json()) as EmulatedGuild;
				guilds.set(guild.id, guild);
				return new Response(null, { status: 204 });
			},
		],
		["GET", /^\/__emulator\/guilds$/, async () => Response.json([...guilds.values()])],
		[
			"GET",
			/^\/__emulator\/channels\/(\d+)\/messages$/,
			async (_, match, url) => {
				const messages = channels.get(match[1]);
				if (!messages) return discordError(404, "Unknown Channel", 10003);
				const result = page(messages, url.searchParams);
				return result instanceof Response ? result : Response.json(result);
			},
		],
		[
			"POST",
			/^\/__emulator\/limits$/,
			async (request) => {
				limits.reset((await request.json()) as LimitsConfig);
				return new Response(null, { status: 204 });
			},
		],
		["GET", /^\/__emulator\/limits$/, async () => Response.json(limits.stats())],
		[
			"GET",
			/^\/__emulator\/stats$/,
			async () =>
				Response.json({
					invalid,
					requests: [...buckets.values()].reduce((n, b) => n + b.used, 0),
					pages: Object.fromEntries(pagesRead),
				}),
		],
		[
			"GET",
			new RegExp(`^${API}/channels/(\\d+)/messages$`),
			async (request, match, url) => {
				const refused = unauthorized(request);
				if (refused) return refused;
				const { headers, limited } = take(match[1]);
				if (limited) return limited;
				const messages = channels.get(match[1]);
				if (!messages) return discordError(404, "Unknown Channel", 10003);
				const latencyMs = limits.latencyMs ?? options.latencyMs;
				if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
				const result = page(messages, url.searchParams);
				if (result instanceof Response) return result;
				pagesRead.set(match[1], (pagesRead.get(match[1]) ?? 0) + 1);
				return Response.json(result, { headers });
			},
		],
		[
			"GET",
			new RegExp(`^${API}/channels/(\\d+)/thread-members/(\\d+)$`),
			async (request, match) => {
				const refused = unauthorized(request);
				if (refused) return refused;
				if (!members.get(match[1])?.has(match[2])) return discordError(404, "Unknown Member", 10007);
				return Response.json({ id: match[1], user_id: match[2], join_timestamp: new Date(0).toISOString(), flags: 0 });
			},
		],
		[
			"POST",
			new RegExp(`^${API}/channels/(\\d+)/messages$`),
			async (request, match) => {
				const refused = unauthorized(request);
				if (refused) return refused;
				const messages = channels.get(match[1]);
				if (!messages) return discordError(404, "Unknown Channel", 10003);
				const body = (await request.json()) as RESTPostAPIChannelMessageJSONBody;
				const nonceKey = body.enforce_nonce && body.nonce !== undefined ? `${match[1]}:${body.nonce}` : undefined;
				const repeat = nonceKey && posted.get(nonceKey);
				if (repeat) return Response.json(repeat);
				const now = Date.now();
				const newest = BigInt(messages.at(-1)?.id ?? 0);
				const id = (BigInt(now) - DISCORD_EPOCH) << 22n > newest ? (BigInt(now) - DISCORD_EPOCH) << 22n : newest + 1n;
				const message = messageObject({
					id: id.toString(),
					channel_id: match[1],
					author: EMULATOR_BOT_USER,
					timestamp: new Date(now).toISOString(),
					content: body.content ?? "",
					embeds: body.embeds ?? [],
					components: (body.components ?? []) as APIMessage["components"],
					...(body.nonce === undefined ? {} : { nonce: body.nonce }),
				});
				messages.push(message);
				if (nonceKey) posted.set(nonceKey, message);
				return Response.json(message);
			},
		],
		[
			"GET",
			new RegExp(`^${API}/guilds/(\\d+)/roles$`),
			async (request, match) => {
				const refused = unauthorized(request);
				if (refused) return refused;
				// Every guild has @everyone, whose id is the guild's; a bot is only ever asked about guilds it is in.
				const everyone = { id: match[1], name: "@everyone", color: 0 };
				const roles: APIRole[] = [everyone, ...(guilds.get(match[1])?.roles ?? [])].map((role, position) => ({
					hoist: false,
					position,
					permissions: "0",
					managed: false,
					mentionable: true,
					flags: 0 as RoleFlags,
					colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
					...role,
				}));
				return Response.json(roles);
			},
		],
		[
			"PUT",
			new RegExp(`^${API}/applications/(\\d+)(?:/guilds/(\\d+))?/commands$`),
			async (request, match) => {
				const refused = unauthorized(request);
				if (refused) return refused;
				const commands = (await request.json()) as RESTPutAPIApplicationCommandsJSONBody;
				const registered = commands.map((command, i) => ({
					...command,
					id: String(BigInt(match[1]) + BigInt(i + 1)),
					application_id: match[1],
					guild_id: match[2],
					version: "1",
				}));
				registeredCommands.set(match[2] ?? "global", registered);
				return Response.json(registered);
			},
		],
		[
			"GET",
			new RegExp(`^${API}/applications/(\\d+)(?:/guilds/(\\d+))?/commands$`),
			async (_, match) => Response.json(registeredCommands.get(match[2] ?? "global") ?? []),
		],
		[
			"PATCH",
			new RegExp(`^${API}/webhooks/(\\d+)/([^/]+)/messages/([^/]+)$`),
			async (request, match) => {
				records.push({ applicationId: match[1], token: match[2], method: "PATCH", messageId: match[3], body: await request.json() });
				return Response.json({ id: match[3] === "@original" ? "0" : match[3] });
			},
		],
		[
			"POST",
			new RegExp(`^${API}/webhooks/(\\d+)/([^/]+)$`),
			async (request, match) => {
				records.push({ applicationId: match[1], token: match[2], method: "POST", messageId: null, body: await request.json() });
				return Response.json({ id: String(records.length) });
			},
		],
	];

	return {
		async fetch(request) {
			const url = new URL(request.url);
			if (url.pathname.startsWith(API)) {
				const refused = limits.admit(request.headers.get("authorization")?.startsWith("Bot ") ?? false, Date.now());
				if (refused) return refused;
			}
			const fault = faults.find((f) => f.times > 0 && url.pathname.includes(f.path) && (f.method ?? request.method) === request.method);
			if (fault && url.pathname.startsWith(API)) {
				fault.times--;
				if (fault.status === 403 || fault.status === 429) countInvalid();
				return fault.status === 429
					? Response.json(
							{ message: "You are being rate limited.", retry_after: fault.retryAfter ?? 0.05, global: false },
							{ status: 429, headers: { "retry-after": String(Math.ceil(fault.retryAfter ?? 1)), "x-ratelimit-scope": "user" } },
						)
					: discordError(fault.status, fault.status === 403 ? "Missing Access" : "injected fault", fault.status === 403 ? 50001 : 0);
			}
			for (const [method, pattern, handle] of routes) {
				const match = url.pathname.match(pattern);
				if (match && request.method === method) return handle(request, match, url);
			}
			return discordError(404, "404: Not Found");
		},
	};
}
