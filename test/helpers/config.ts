// /config interactions as Discord sends them (a subcommand and its options), and their deferred answers.
import {
	type APIApplicationCommandInteractionDataBasicOption,
	type APIEmbed,
	type APIInteractionDataResolvedChannel,
	ApplicationCommandOptionType,
	PermissionFlagsBits,
} from "discord-api-types/v10";
import { expect } from "vitest";
import { type Context, chatCommand, READ, sendOk } from "./interactions";
import { firstResult } from "./stand-in";

/** A member who may use /config: reads the channel and has Manage Server. */
export const MANAGER = (BigInt(READ) | PermissionFlagsBits.ManageGuild).toString();
/** What the bot needs in a digest's channel: read it, post in it, embed. */
export const CAN_POST = (BigInt(READ) | PermissionFlagsBits.EmbedLinks).toString();

function typed(options: Record<string, string | number | boolean>): APIApplicationCommandInteractionDataBasicOption[] {
	return Object.entries(options).map(([name, value]): APIApplicationCommandInteractionDataBasicOption => {
		if (name === "channel") return { name, type: ApplicationCommandOptionType.Channel, value: String(value) };
		if (typeof value === "number") return { name, type: ApplicationCommandOptionType.Integer, value };
		if (typeof value === "boolean") return { name, type: ApplicationCommandOptionType.Boolean, value };
		return { name, type: ApplicationCommandOptionType.String, value };
	});
}

export function config(
	subcommand: string,
	options: Record<string, string | number | boolean> = {},
	context: Context = {},
	resolvedChannels?: Record<string, APIInteractionDataResolvedChannel>,
) {
	const interaction = chatCommand("config", [], { permissions: MANAGER, appPermissions: CAN_POST, ...context }, resolvedChannels);
	interaction.data.options = [{ type: ApplicationCommandOptionType.Subcommand, name: subcommand, options: typed(options) }];
	return interaction;
}

/** Sends a /config interaction that passes the checks: "thinking…" at once, then the answer that replaces it. */
export async function configAnswer(interaction: ReturnType<typeof config>): Promise<{ content?: string; embed: APIEmbed; text: string }> {
	expect(await sendOk(interaction)).toEqual({ type: 5, data: { flags: 64 } });
	const result = await firstResult(interaction.token);
	const body = result.body as { content?: string; embeds?: APIEmbed[] };
	const embed = body.embeds?.[0] ?? {};
	return {
		content: body.content,
		embed,
		text: [body.content, embed.description, ...(embed.fields ?? []).map((field) => `${field.name}: ${field.value}`)].join("\n"),
	};
}
