// Builders for the bot's answers. Every message carries `allowed_mentions: { parse: [] }`,
// so nothing the bot says ever pings anyone.
import {
	type APIInteractionResponse,
	type APIInteractionResponseCallbackData,
	InteractionResponseType,
	MessageFlags,
} from "discord-api-types/payloads/v10";

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

/** A click's answer that replaces the message it was on, now. */
export function update(data: APIInteractionResponseCallbackData): APIInteractionResponse {
	return { type: InteractionResponseType.UpdateMessage, data: { ...data, allowed_mentions: NO_MENTIONS } };
}

/** A click's answer that leaves the message it was on as it is: the result replaces it later. */
export function updating(): APIInteractionResponse {
	return { type: InteractionResponseType.DeferredMessageUpdate };
}

/** "Summary Bot is thinking…": the result replaces it later, with its own `allowed_mentions`. */
export function thinking(ephemeral: boolean): APIInteractionResponse {
	return {
		type: InteractionResponseType.DeferredChannelMessageWithSource,
		data: { flags: ephemeral ? MessageFlags.Ephemeral : undefined },
	};
}
