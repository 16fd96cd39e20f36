// /privacy opt-out | opt-in | status. The answer is deferred and the D1 work done after it, since
// the interaction path never waits on D1; opting out also clears the guild's cached summaries,
// which may hold the member's messages.

import {
	type APIChatInputApplicationCommandInteraction,
	type APIInteractionResponse,
	ApplicationCommandOptionType,
} from "discord-api-types/payloads/v10";
import { drizzle } from "drizzle-orm/d1";
import { isOptedOut, type Member, optIn, optOut } from "../db/opt-outs";
import { ephemeral } from "../discord/responses";
import { guildObject } from "../guild/client";
import { replyLater } from "./deferred";

type Action = "opt-out" | "opt-in" | "status";

const SAID = {
	optedOut:
		"You're opted out: your messages are left out of every summary in this server from now on. Summaries made earlier were cleared from the cache. Use `/privacy opt-in` to undo.",
	alreadyOut: "You're opted out: your messages are left out of every summary in this server. Use `/privacy opt-in` to undo.",
	optedIn: "You're opted in again: your messages can be part of summaries in this server.",
	alreadyIn: "You're opted in: your messages can be part of summaries in this server. Use `/privacy opt-out` to leave them out.",
};

export function privacy(interaction: APIChatInputApplicationCommandInteraction, env: Env, ctx: ExecutionContext): APIInteractionResponse {
	const option = interaction.data.options?.find((o) => o.name === "action");
	const action = option?.type === ApplicationCommandOptionType.String ? option.value : undefined;
	if (!interaction.guild_id || !interaction.member) return ephemeral("Privacy settings are per server: use this command in a server.");
	if (action !== "opt-out" && action !== "opt-in" && action !== "status") return ephemeral("Choose `opt-out`, `opt-in` or `status`.");
	const member = { guildId: interaction.guild_id, userId: interaction.member.user.id };
	return replyLater(interaction, env, ctx, async () => ({ content: await apply(env, member, action) }), {
		event: "privacy.failed",
		content: "I couldn't update your privacy setting just now. Please try again in a minute.",
	});
}

async function apply(env: Env, member: Member, action: Action): Promise<string> {
	const db = drizzle(env.DB);
	const optedOut = await isOptedOut(db, member);
	if (action === "status") return optedOut ? SAID.alreadyOut : SAID.alreadyIn;
	if (action === "opt-in") {
		if (!optedOut) return SAID.alreadyIn;
		await optIn(db, member);
		return SAID.optedIn;
	}
	if (optedOut) return SAID.alreadyOut;
	await optOut(db, member);
	await guildObject(env, member.guildId).clearCache();
	return SAID.optedOut;
}
