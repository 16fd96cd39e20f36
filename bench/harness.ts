// What the benchmarks share: a key pair to sign interactions with, free ports, `wrangler dev` on
// loopback with the Discord emulator behind it, and interaction payloads.
import { cpus } from "node:os";
import {
	type APIApplicationCommandInteractionDataBasicOption,
	type APIInteractionResponse,
	type APIMessage,
	ChannelType,
	type Locale,
	MessageType,
	PermissionFlagsBits,
} from "discord-api-types/v10";
import { snowflake } from "../scripts/playground/client.ts";
import { generateSigningKeys, privateKeyOf, signed as signedWith } from "../scripts/playground/keys.ts";
import { runWrangler } from "../scripts/playground/processes.ts";
import { APPLICATION_ID, type StackOptions, startLocalStack } from "../scripts/playground/stack.ts";
import { chatInputInteraction, type Invocation, messageCommandInteraction } from "../test/stand-ins/discord-interactions.ts";
import { startSplitStack } from "./split-stack.ts";

export { freePort, ROOT, runWrangler, startWrangler, stopProcess, waitFor } from "../scripts/playground/processes.ts";
export { APPLICATION_ID, snowflake };

// wrangler dev (4.x) also runs a trace collector and a data explorer inside the Worker's own workerd, and
// streams every request's trace to the collector: dev-only tooling, measured at more than half of each
// request's CPU there (README, "Performance and reliability"). Every dev server a benchmark starts runs
// without them, so its figures are the Worker's.
process.env.X_LOCAL_OBSERVABILITY = "false";
process.env.X_LOCAL_EXPLORER = "false";

/** View Channel, Read Message History, Send Messages. */
const READ = (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.SendMessages).toString();

const keys = generateSigningKeys();
const privateKey = privateKeyOf(keys);
export const publicKeyHex = keys.publicKeyHex;

/** The value below which `p` percent of `sorted` (ascending) lie. */
export function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** A benchmark's one JSON line, with when and where it ran. */
export function report(bench: string, fields: Record<string, unknown>): void {
	const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}`;
	console.log(JSON.stringify({ bench, date: new Date().toISOString(), machine, ...fields }));
}

/** The bot under `wrangler dev`, with fresh state and an empty Discord emulator (benchmarks seed their own channels). */
export async function startBot(options: Omit<StackOptions, "keys" | "seed"> = {}) {
	const stack = await startLocalStack({ ...options, keys, seed: false });
	return { ...stack, url: stack.workerUrl, emulator: stack.emulatorUrl };
}

export type Bot = Awaited<ReturnType<typeof startBot>>;

/** The bot under two `wrangler dev` processes, its interactions' and its objects' (bench/split-stack.ts). */
export function startSplitBot(buildArgs?: string[]) {
	return startSplitStack(keys, buildArgs);
}

export function signed(body: unknown): { body: string; headers: Record<string, string> } {
	return signedWith(body, privateKey);
}

/** Sends a signed interaction to the bot: the HTTP status, the answer, and how long it took. */
export async function send(
	bot: Bot,
	interaction: unknown,
): Promise<{ status: number; answer: APIInteractionResponse | { error: string }; ms: number }> {
	const started = performance.now();
	const response = await fetch(`${bot.url}/interactions`, { method: "POST", ...signed(interaction) });
	const answer = (await response.json()) as APIInteractionResponse | { error: string };
	return { status: response.status, answer, ms: performance.now() - started };
}

export function ping() {
	return { id: snowflake(), application_id: APPLICATION_ID, type: 1, token: "t", version: 1 };
}

/** Where and by whom a command is run: a member who can read the channel, as can the bot. */
export interface Where {
	guildId: string;
	channelId: string;
	userId: string;
	/** The channel's newest message when the interaction is sent. */
	lastMessageId: string | null;
	locale?: Locale;
}

function invocation(where: Where): Invocation {
	return {
		applicationId: APPLICATION_ID,
		guildId: where.guildId,
		channel: { id: where.channelId, type: ChannelType.GuildText, lastMessageId: where.lastMessageId },
		user: { id: where.userId, username: "bench", discriminator: "0", global_name: null, avatar: null },
		permissions: READ,
		appPermissions: READ,
		locale: where.locale,
		id: snowflake,
		token: `bench-${snowflake()}`,
	};
}

export function command(where: Where, name: string, options: APIApplicationCommandInteractionDataBasicOption[] = []) {
	return chatInputInteraction(invocation(where), name, options);
}

export function summarize(
	guildId: string,
	channelId: string,
	userId: string,
	lastMessageId: string,
	options: APIApplicationCommandInteractionDataBasicOption[] = [],
) {
	return command({ guildId, channelId, userId, lastMessageId }, "summarize", options);
}

/** Apps → Summarize from here, on `target`. */
export function summarizeFromHere(where: Where, target: APIMessage) {
	return messageCommandInteraction(invocation(where), "Summarize from here", target);
}

const DISCORD_EPOCH = 1_420_070_400_000n;
let lastArrivingId = 0n;
/** Ids of messages arriving now: of this moment, as Discord's are, and increasing. */
function arrivingId(): string {
	const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
	lastArrivingId = now > lastArrivingId ? now : lastArrivingId + 1n;
	return String(lastArrivingId);
}

/** Posts messages like `templates` (e.g. generated ones) to a channel of the emulator as sent now; returns their ids. */
export async function postNewMessages(bot: Bot, channelId: string, templates: APIMessage[]): Promise<string[]> {
	// Replies would point at the templates' ids: the messages arrive as plain ones.
	const messages = templates.map(({ message_reference: _, referenced_message: __, ...message }) => ({
		...message,
		type: message.type === MessageType.Reply ? MessageType.Default : message.type,
		id: arrivingId(),
		channel_id: channelId,
		timestamp: new Date().toISOString(),
	}));
	const response = await fetch(`${bot.emulator}/__emulator/channels/${channelId}/messages`, {
		method: "POST",
		body: JSON.stringify({ messages }),
	});
	if (!response.ok) throw new Error(`posting messages failed: ${response.status} ${await response.text()}`);
	return messages.map((message) => message.id);
}

/** Rows of a query on the bot's local D1 (`wrangler d1 execute --local`), e.g. to count usage events by outcome. */
export function queryD1<T>(bot: Bot, sql: string): T[] {
	const output = runWrangler(["d1", "execute", "DB", "--local", "--persist-to", bot.persistTo, "--json", "--command", sql]);
	return (JSON.parse(output) as { results: T[] }[])[0].results;
}
