// Interactions as Discord sends them: a member in a guild channel runs a command, picks "Apps → …" on a
// message, or clicks a button. Pure payload builders, shared by the workers tests (test/helpers) and the
// local playground (scripts/playground), which sign and send them each in their own runtime.
import {
	type APIApplicationCommandInteractionDataOption,
	type APIChatInputApplicationCommandInteraction,
	type APIInteractionDataResolvedChannel,
	type APIMessage,
	type APIMessageApplicationCommandInteraction,
	type APIUser,
	ApplicationCommandType,
	type ChannelType,
	ComponentType,
	InteractionContextType,
	InteractionType,
	Locale,
} from "discord-api-types/v10";

/** Who runs the interaction, where, and with which permissions there (as Discord computes them for the channel). */
export interface Invocation {
	applicationId: string;
	guildId: string;
	channel: { id: string; type: ChannelType; lastMessageId: string | null; name?: string; parentId?: string };
	user: APIUser;
	/** The member's permissions in the channel. */
	permissions: string;
	/** The bot's permissions in the channel. */
	appPermissions: string;
	locale?: Locale;
	/** Snowflakes for the interaction and its data. */
	id: () => string;
	token?: string;
}

function base<T extends InteractionType>(type: T, invocation: Invocation) {
	const { channel } = invocation;
	return {
		id: invocation.id(),
		application_id: invocation.applicationId,
		type,
		token: invocation.token ?? `token-${invocation.id()}`,
		version: 1 as const,
		guild_id: invocation.guildId,
		channel_id: channel.id,
		channel: {
			id: channel.id,
			type: channel.type as ChannelType.GuildText,
			last_message_id: channel.lastMessageId,
			...(channel.name === undefined ? {} : { name: channel.name }),
			...(channel.parentId === undefined ? {} : { parent_id: channel.parentId }),
		},
		member: {
			user: invocation.user,
			roles: [],
			permissions: invocation.permissions,
			joined_at: "2024-01-01T00:00:00.000Z",
			deaf: false,
			mute: false,
			flags: 0,
		},
		app_permissions: invocation.appPermissions,
		locale: invocation.locale ?? Locale.EnglishUS,
		guild_locale: Locale.EnglishUS,
		entitlements: [],
		authorizing_integration_owners: {},
		context: InteractionContextType.Guild,
		attachment_size_limit: 8_388_608,
	};
}

export function chatInputInteraction(
	invocation: Invocation,
	name: string,
	options: APIApplicationCommandInteractionDataOption[] = [],
	resolvedChannels?: Record<string, APIInteractionDataResolvedChannel>,
) {
	return {
		...base(InteractionType.ApplicationCommand, invocation),
		data: {
			id: invocation.id(),
			name,
			type: ApplicationCommandType.ChatInput as const,
			options,
			...(resolvedChannels ? { resolved: { channels: resolvedChannels } } : {}),
		},
	} satisfies APIChatInputApplicationCommandInteraction;
}

/** A message command ("Apps → Summarize from here") on `target`. */
export function messageCommandInteraction(invocation: Invocation, name: string, target: APIMessage) {
	return {
		...base(InteractionType.ApplicationCommand, invocation),
		data: {
			id: invocation.id(),
			name,
			type: ApplicationCommandType.Message as const,
			target_id: target.id,
			resolved: { messages: { [target.id]: target } },
		},
	} satisfies APIMessageApplicationCommandInteraction;
}

/** A click on a button of the message `messageId`, which a command of `requester` produced. */
/**
 * A click on a button of a message: by default the bot's own message, made for `requester`'s request just
 * now, holding the button clicked; `message` may say otherwise (another author, other buttons, an older request).
 */
export function buttonInteraction(
	invocation: Invocation,
	customId: string,
	message: { id: string; requester: APIUser; authorId?: string; customIds?: string[]; askedId?: string },
) {
	const buttons = (message.customIds ?? [customId]).map((id) => ({
		type: ComponentType.Button as const,
		style: 2 as const,
		label: id,
		custom_id: id,
	}));
	return {
		...base(InteractionType.MessageComponent, invocation),
		message: {
			id: message.id,
			channel_id: invocation.channel.id,
			author: {
				id: message.authorId ?? invocation.applicationId,
				username: "Summary Bot",
				discriminator: "0",
				global_name: null,
				avatar: null,
				bot: true,
			},
			components: [{ type: ComponentType.ActionRow as const, components: buttons }],
			interaction_metadata: { id: message.askedId ?? invocation.id(), type: InteractionType.ApplicationCommand, user: message.requester },
		},
		data: { custom_id: customId, component_type: ComponentType.Button as const },
	};
}
