// Acts as Discord for the member at the keyboard: builds the interaction a command line stands for (with
// the channel's real newest message, the member's and the bot's permissions there), signs it, sends it to
// the Worker, and reads back what the bot sent to the interaction's webhook in the emulator.
import { randomBytes } from "node:crypto";
import {
	type APIApplicationCommandInteractionDataOption,
	type APIInteractionDataResolvedChannel,
	type APIInteractionResponse,
	type APIInteractionResponseDeferredChannelMessageWithSource,
	type APIInteractionResponseDeferredMessageUpdate,
	type APIMessage,
	ApplicationCommandOptionType,
	ChannelType,
	InteractionResponseType,
} from "discord-api-types/v10";
import type { RecordedEdit } from "../../test/stand-ins/discord-emulator.ts";
import {
	buttonInteraction,
	chatInputInteraction,
	type Invocation,
	messageCommandInteraction,
} from "../../test/stand-ins/discord-interactions.ts";
import type { InteractionRequest } from "./command-line.ts";
import type { PlaygroundChannel, PlaygroundGuild } from "./guild.ts";
import { privateKeyOf, type SigningKeys, signed } from "./keys.ts";

/** Everything a client needs to reach a running playground; `npm start` writes it to the state file. */
export interface PlaygroundState {
	workerUrl: string;
	emulatorUrl: string;
	applicationId: string;
	keys: SigningKeys;
	guild: PlaygroundGuild;
}

export type Interaction =
	| ReturnType<typeof chatInputInteraction>
	| ReturnType<typeof messageCommandInteraction>
	| ReturnType<typeof buttonInteraction>;
export type Answer = { status: number; body: APIInteractionResponse | { error: string } };

let counter = ((BigInt(Date.now()) - 1_420_070_400_000n) << 22n) + 1_000_000n;
/** A snowflake-shaped id, newer than every message in the emulator and unique in this process. */
export const snowflake = () => String(++counter);

const THREADS: ChannelType[] = [ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread];

/** A channel option's entry in `data.resolved.channels`, with the member's and the bot's permissions there. */
function resolved(channel: PlaygroundChannel): APIInteractionDataResolvedChannel {
	const base = { id: channel.id, name: channel.name, permissions: channel.memberPermissions, app_permissions: channel.botPermissions };
	if (!THREADS.includes(channel.type)) return { ...base, type: channel.type as ChannelType.GuildText };
	const thread_metadata = {
		archived: false,
		auto_archive_duration: 1440 as const,
		archive_timestamp: new Date().toISOString(),
		locked: false,
	};
	return { ...base, type: channel.type as ChannelType.PublicThread, parent_id: channel.parent_id, thread_metadata };
}

/** The channels a command's options (or its subcommand's) name. */
function channelOptions(options: readonly APIApplicationCommandInteractionDataOption[]): string[] {
	return options.flatMap((option) => {
		if (option.type === ApplicationCommandOptionType.Channel) return [option.value];
		return "options" in option && option.options ? channelOptions(option.options) : [];
	});
}

/** Progress edits of the "thinking…" message: content only, as the consumer words them. */
export function isProgress(body: unknown): boolean {
	const message = body as { content?: string; embeds?: unknown[] };
	return !message.embeds?.length && /^(Reading messages|Summarizing)/.test(message.content ?? "");
}

export function createClient(state: PlaygroundState) {
	const key = privateKeyOf(state.keys);
	const { guild } = state;

	async function emulator<T>(path: string): Promise<T> {
		const response = await fetch(`${state.emulatorUrl}${path}`);
		if (!response.ok) throw new Error(`the Discord emulator answered ${response.status} to ${path}`);
		return response.json() as Promise<T>;
	}

	function channel(channelId: string): PlaygroundChannel {
		const found = guild.channels.find((c) => c.id === channelId);
		if (!found) throw new Error(`no channel ${channelId} in ${guild.name}`);
		return found;
	}

	async function invocation(channelId: string): Promise<Invocation> {
		const where = channel(channelId);
		const [newest] = await emulator<APIMessage[]>(`/__emulator/channels/${where.id}/messages?limit=1`);
		return {
			applicationId: state.applicationId,
			guildId: guild.id,
			channel: { id: where.id, type: where.type, name: where.name, parentId: where.parent_id, lastMessageId: newest?.id ?? null },
			user: guild.member,
			permissions: where.memberPermissions,
			appPermissions: where.botPermissions,
			id: snowflake,
			token: randomBytes(32).toString("base64url"),
		};
	}

	/** The interaction `request` stands for, used in `channelId`. */
	async function build(request: InteractionRequest, channelId: string): Promise<Interaction> {
		const from = await invocation(channelId);
		switch (request.kind) {
			case "command": {
				const channels = channelOptions(request.options);
				const resolvedChannels = channels.length ? Object.fromEntries(channels.map((id) => [id, resolved(channel(id))])) : undefined;
				return chatInputInteraction(from, request.name, request.options, resolvedChannels);
			}
			case "from-here": {
				const around = await emulator<APIMessage[]>(`/__emulator/channels/${channelId}/messages?around=${request.messageId}&limit=1`);
				const target = around.find((message) => message.id === request.messageId);
				if (!target) throw new Error(`#${channel(channelId).name} has no message ${request.messageId}.`);
				return messageCommandInteraction(from, "Summarize from here", target);
			}
			case "button":
				return buttonInteraction(from, request.customId, {
					id: request.message?.id ?? snowflake(),
					requester: guild.member,
					customIds: request.message?.customIds,
				});
		}
	}

	async function send(interaction: Interaction): Promise<Answer> {
		const response = await fetch(`${state.workerUrl}/interactions`, { method: "POST", ...signed(interaction, key) });
		return { status: response.status, body: (await response.json()) as Answer["body"] };
	}

	async function records(token: string): Promise<RecordedEdit[]> {
		return emulator<RecordedEdit[]>(`/__records?token=${encodeURIComponent(token)}`);
	}

	/**
	 * What the bot sends to the interaction's webhook, each time it grows; ends once the "thinking…"
	 * message holds a result and nothing more has come for `quietMs` (follow-ups come right after it).
	 */
	async function* follow(
		token: string,
		options: { quietMs?: number; timeoutMs?: number; everyMs?: number } = {},
	): AsyncGenerator<RecordedEdit[]> {
		const { quietMs = 1000, timeoutMs = 180_000, everyMs = 150 } = options;
		const deadline = Date.now() + timeoutMs;
		let seen = 0;
		let changedAt = Date.now();
		while (Date.now() < deadline) {
			const now = await records(token);
			if (now.length > seen) {
				seen = now.length;
				changedAt = Date.now();
				yield now;
			}
			const original = now.filter((record) => record.messageId === "@original").at(-1);
			if (original && !isProgress(original.body) && Date.now() - changedAt >= quietMs) return;
			await new Promise((resolve) => setTimeout(resolve, everyMs));
		}
		throw new Error(`no result after ${Math.round(timeoutMs / 1000)} s`);
	}

	return { state, build, send, records, follow, channel };
}

export type PlaygroundClient = ReturnType<typeof createClient>;

/**
 * Whether the bot will deliver more to the interaction's webhook after this answer: "thinking…", or a
 * click's deferred update (Summarize under an estimate), whose result replaces the message clicked.
 */
export function isDeferred(answer: Answer): answer is {
	status: number;
	body: APIInteractionResponseDeferredChannelMessageWithSource | APIInteractionResponseDeferredMessageUpdate;
} {
	return (
		answer.status === 200 &&
		"type" in answer.body &&
		(answer.body.type === InteractionResponseType.DeferredChannelMessageWithSource ||
			answer.body.type === InteractionResponseType.DeferredMessageUpdate)
	);
}
