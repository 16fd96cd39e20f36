// Builders for the bot's answers. Every message carries `allowed_mentions: { parse: [] }`,
// so nothing the bot says ever pings anyone.
import {
	type APIInteractionResponse,
	type APIInteractionResponseCallbackData,
	InteractionResponseType,
	MessageFlags,
} from "discord-api-types/v10";

export const NO_MENTIONS = { parse: [] };

export function message(data: APIInteractionResponseCallbackData, ephemeral: boolean): APIInteractionResponse {
	return {
		type: InteractionResponseType.ChannelMessageWithSource,
		data: { ...data, allowed_mentions: NO_MENTIONS, flags: ephemeral ? MessageFlags.Ephemeral : undefined },
	};
}

export function ephemeral(content: string): APIInteractionResponse {
	return message({ content }, true);
}

/** "Summary Bot is thinking…": the result replaces it later, with its own `allowed_mentions`. */
export function thinking(ephemeral: boolean): APIInteractionResponse {
	return {
		type: InteractionResponseType.DeferredChannelMessageWithSource,
		data: { flags: ephemeral ? MessageFlags.Ephemeral : undefined },
	};
}
