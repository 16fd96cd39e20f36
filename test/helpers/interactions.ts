// Builds interactions the way Discord sends them and signs them with the test key pair.
import { env, exports } from "cloudflare:workers";
import {
	type APIApplicationCommandInteractionDataBasicOption,
	type APIInteractionDataResolvedChannel,
	type APIInteractionResponse,
	ApplicationCommandOptionType,
	ChannelType,
	InteractionType,
	type Locale,
	PermissionFlagsBits,
} from "discord-api-types/v10";
import { afterEach, beforeEach, expect, type MockInstance, vi } from "vitest";
import { snowflakeAt } from "../../src/domain/snowflake";
import { toHex } from "../../src/lib/hex";
import { buttonInteraction, chatInputInteraction, type Invocation, messageCommandInteraction } from "../stand-ins/discord-interactions";
import { messageObject } from "../stand-ins/discord-messages";

const signingKey = crypto.subtle.importKey(
	"pkcs8",
	Uint8Array.from(atob(env.TEST_SIGNING_KEY), (c) => c.charCodeAt(0)),
	{ name: "Ed25519" },
	false,
	["sign"],
);

export interface SignOptions {
	/** Unix seconds to sign with; default now. */
	timestamp?: number;
	headers?: Record<string, string>;
}

export async function signedRequest(body: string, options: SignOptions = {}): Promise<Request> {
	const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
	const signature = await crypto.subtle.sign("Ed25519", await signingKey, new TextEncoder().encode(timestamp + body));
	return new Request("https://bot.example/interactions", {
		method: "POST",
		body,
		headers: {
			"content-type": "application/json",
			"x-signature-ed25519": toHex(signature),
			"x-signature-timestamp": timestamp,
			...options.headers,
		},
	});
}

/** Sends a signed interaction through the Worker's own fetch handler. */
export async function send(interaction: unknown, options?: SignOptions): Promise<Response> {
	return exports.default.fetch(await signedRequest(JSON.stringify(interaction), options));
}

export async function sendOk(interaction: unknown): Promise<APIInteractionResponse> {
	const response = await send(interaction);
	if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
	return response.json();
}

export const READ = (
	PermissionFlagsBits.ViewChannel |
	PermissionFlagsBits.ReadMessageHistory |
	PermissionFlagsBits.SendMessages
).toString();
export const ADMIN = PermissionFlagsBits.Administrator.toString();

// Test files run side by side against one Discord emulator: ids must not collide across files.
let nextId = ((BigInt(Date.now()) - 1_420_070_400_000n) << 22n) + BigInt(crypto.getRandomValues(new Uint32Array(1))[0] % 2 ** 21) * 4096n;
/** A snowflake-shaped id, unique in the test run. */
export function id(): string {
	nextId += 1n;
	return nextId.toString();
}

export interface Context {
	guildId?: string;
	channelId?: string;
	userId?: string;
	permissions?: string;
	appPermissions?: string;
	lastMessageId?: string | null;
	locale?: Locale;
}

function invocation(context: Context): Invocation {
	return {
		applicationId: env.DISCORD_APPLICATION_ID,
		guildId: context.guildId ?? id(),
		channel: {
			id: context.channelId ?? id(),
			type: ChannelType.GuildText,
			lastMessageId: context.lastMessageId === undefined ? id() : context.lastMessageId,
		},
		user: { id: context.userId ?? id(), username: "member", discriminator: "0", global_name: "Member", avatar: null },
		permissions: context.permissions ?? READ,
		appPermissions: context.appPermissions ?? READ,
		locale: context.locale,
		id,
	};
}

export function ping() {
	return { id: id(), application_id: env.DISCORD_APPLICATION_ID, type: InteractionType.Ping, token: "t", version: 1 };
}

export function chatCommand(
	name: string,
	options: APIApplicationCommandInteractionDataBasicOption[] = [],
	context: Context = {},
	resolvedChannels?: Record<string, APIInteractionDataResolvedChannel>,
) {
	return chatInputInteraction(invocation(context), name, options, resolvedChannels);
}

export function summarize(
	options: Record<string, string | number | boolean> = {},
	context: Context = {},
	resolvedChannels?: Record<string, APIInteractionDataResolvedChannel>,
) {
	const typed = Object.entries(options).map(([name, value]): APIApplicationCommandInteractionDataBasicOption => {
		if (name === "channel") return { name, type: ApplicationCommandOptionType.Channel, value: String(value) };
		if (typeof value === "number") return { name, type: ApplicationCommandOptionType.Integer, value };
		if (typeof value === "boolean") return { name, type: ApplicationCommandOptionType.Boolean, value };
		return { name, type: ApplicationCommandOptionType.String, value };
	});
	return chatCommand("summarize", typed, context, resolvedChannels);
}

export function summarizeFromHere(targetId: string, context: Context = {}) {
	const from = invocation(context);
	const target = messageObject({ id: targetId, channel_id: from.channel.id, author: from.user, timestamp: "2024-01-01T00:00:00.000Z" });
	return messageCommandInteraction(from, "Summarize from here", target);
}

export function resolvedChannel(channelId: string, permissions: string, appPermissions?: string): APIInteractionDataResolvedChannel {
	return {
		id: channelId,
		type: ChannelType.GuildText,
		name: "other",
		permissions,
		...(appPermissions ? { app_permissions: appPermissions } : {}),
	};
}

/** Declares, for the current test file, that no test in it may enqueue a job. */
export function expectNothingEnqueued(): void {
	let enqueue: MockInstance<Queue["send"]>;
	beforeEach(() => {
		enqueue = vi.spyOn(env.SUMMARY_QUEUE, "send");
	});
	afterEach(() => {
		expect(enqueue).not.toHaveBeenCalled();
		vi.restoreAllMocks();
	});
}

/**
 * A click on a button of a message that `requesterId`'s command produced (by default the clicker's), at
 * `askedAt` (now); by default the bot's own message holding that button, a new one unless `messageId` says.
 */
export function buttonClick(
	customId: string,
	context: Context = {},
	message: { requesterId?: string; authorId?: string; customIds?: string[]; askedAt?: number; messageId?: string } = {},
) {
	const from = invocation(context);
	const askedId = message.askedAt === undefined ? undefined : (snowflakeAt(message.askedAt) + 1n).toString();
	return buttonInteraction(from, customId, {
		id: message.messageId ?? id(),
		requester: { ...from.user, id: message.requesterId ?? from.user.id },
		authorId: message.authorId,
		customIds: message.customIds,
		askedId,
	});
}
