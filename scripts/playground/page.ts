// The emulator's channel page: GET / and /channels/:id show the guild like Discord's client does, with a
// box to run slash commands. The page's own routes (under /__playground/) send real signed interactions to
// the Worker through the playground client and report what the bot sent back; everything else is the
// Discord emulator. The page loads nothing from anywhere else (see the Content-Security-Policy below).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { DiscordEmulator, RecordedEdit } from "../../test/stand-ins/discord-emulator.ts";
import { type Answer, type PlaygroundClient, snowflake } from "./client.ts";
import { type InteractionRequest, type Parsed, parseCommandLine, tokenize, usageLines } from "./command-line.ts";

/** An interaction the member sent, from the page or the CLI, and what came of it. */
export interface LoggedInteraction {
	channelId: string;
	token: string;
	/** What the member did, as Discord shows it above the reply: "/summarize messages:200". */
	label: string;
	sentAt: number;
	answer: Answer;
}

export type InteractionFeedItem = LoggedInteraction & { records: RecordedEdit[] };

const ASSETS = join(import.meta.dirname, "page");
const PAGE_FILE = /^\/page\/(app\.css|app\.js|markdown\.js|render\.js)$/;
const TYPES: Record<string, string> = {
	html: "text/html; charset=utf-8",
	js: "text/javascript; charset=utf-8",
	css: "text/css; charset=utf-8",
};
const SECURITY = {
	"content-security-policy":
		"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
	"x-content-type-options": "nosniff",
	"cache-control": "no-store",
};

function error(status: number, message: string): Response {
	return Response.json({ error: message }, { status });
}

async function asset(name: string): Promise<Response> {
	const body = await readFile(join(ASSETS, name));
	return new Response(body, { headers: { "content-type": TYPES[name.split(".").pop()!], ...SECURITY } });
}

/**
 * What the page asks the server to do: a typed line, "Apps → Summarize from here" on a message, or a button
 * click, with the message it is on (`message`: its id, or a reply's key, see render.js) and its buttons.
 */
type PageAction = {
	channelId: string;
	line?: string;
	fromHere?: string;
	customId?: string;
	label?: string;
	message?: string;
	customIds?: string[];
};

function requestOf(action: PageAction, client: PlaygroundClient, messageId: (key: string) => string): Parsed<InteractionRequest> {
	if (typeof action.customId === "string") {
		const message =
			typeof action.message === "string" && Array.isArray(action.customIds)
				? { id: messageId(action.message), customIds: action.customIds.map(String) }
				: undefined;
		return { ok: true, value: { kind: "button", customId: action.customId, label: action.label ?? "a button", message } };
	}
	if (typeof action.fromHere === "string") return parseCommandLine(["from-here", action.fromHere], client.state.guild.channels);
	if (typeof action.line === "string") return parseCommandLine(tokenize(action.line), client.state.guild.channels);
	return { ok: false, error: "send {channelId, line} or {channelId, fromHere} or {channelId, customId}" };
}

export function withChannelPage(emulator: DiscordEmulator, client: PlaygroundClient): DiscordEmulator {
	const log: LoggedInteraction[] = [];
	const { guild } = client.state;
	/**
	 * Discord gives every message an id, and a click carries it (a vote is on it). The emulator keeps none for
	 * the bot's replies to interactions: the page names one by its interaction's token and place, and the first
	 * click on it gives it a snowflake that later clicks on it reuse. A channel message is named by its own id.
	 */
	const replyIds = new Map<string, string>();
	const messageId = (key: string): string => {
		if (/^\d{1,20}$/.test(key)) return key;
		if (!replyIds.has(key)) replyIds.set(key, snowflake());
		return replyIds.get(key)!;
	};

	async function feed(channelId: string): Promise<InteractionFeedItem[]> {
		const mine = log.filter((entry) => entry.channelId === channelId);
		if (!mine.length) return [];
		const records: RecordedEdit[] = await (await emulator.fetch(new Request("http://emulator/__records"))).json();
		return mine.map((entry) => ({ ...entry, records: records.filter((record) => record.token === entry.token) }));
	}

	const routes: [string, RegExp, (request: Request, match: RegExpMatchArray, url: URL) => Promise<Response>][] = [
		["GET", /^\/(?:channels\/\d+)?$/, () => asset("index.html")],
		["GET", PAGE_FILE, (_, match) => asset(match[1])],
		["GET", /^\/favicon\.ico$/, async () => new Response(null, { status: 204 })],
		["GET", /^\/__playground\/guild$/, async () => Response.json({ ...guild, usage: usageLines() })],
		[
			"GET",
			/^\/__playground\/channels\/(\d+)\/messages$/,
			(_, match, url) => emulator.fetch(new Request(`http://emulator/__emulator/channels/${match[1]}/messages${url.search}`)),
		],
		["GET", /^\/__playground\/channels\/(\d+)\/interactions$/, async (_, match) => Response.json(await feed(match[1]))],
		[
			"POST",
			/^\/__playground\/interactions$/,
			async (request) => {
				const action = (await request.json().catch(() => ({}))) as PageAction;
				if (!guild.channels.some((channel) => channel.id === action.channelId))
					return error(400, "channelId must be one of the guild's channels");
				const parsed = requestOf(action, client, messageId);
				if (!parsed.ok) return error(400, parsed.error);
				const interaction = await client
					.build(parsed.value, action.channelId)
					.catch((cause: unknown) => (cause instanceof Error ? cause : new Error(String(cause))));
				if (interaction instanceof Error) return error(400, interaction.message);
				const answer = await client.send(interaction);
				const entry = { channelId: action.channelId, token: interaction.token, label: parsed.value.label, sentAt: Date.now(), answer };
				log.push(entry);
				return Response.json(entry);
			},
		],
		// The CLI sends its own interactions and reports them here, so the page shows them too.
		[
			"POST",
			/^\/__playground\/log$/,
			async (request) => {
				const entry = (await request.json().catch(() => ({}))) as Partial<LoggedInteraction>;
				if (typeof entry.channelId !== "string" || typeof entry.token !== "string" || typeof entry.label !== "string" || !entry.answer)
					return error(400, "send {channelId, token, label, answer}");
				log.push({ channelId: entry.channelId, token: entry.token, label: entry.label, sentAt: Date.now(), answer: entry.answer });
				return new Response(null, { status: 204 });
			},
		],
	];

	return {
		async fetch(request) {
			const url = new URL(request.url);
			for (const [method, pattern, handle] of routes) {
				const match = url.pathname.match(pattern);
				if (match && request.method === method) return handle(request, match, url);
			}
			return emulator.fetch(request);
		},
	};
}
