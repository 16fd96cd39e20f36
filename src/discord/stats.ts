// /stats: this guild's last 24 hours and 7 days. Deferred: D1 is read after the answer.
import { drizzle } from "drizzle-orm/d1";
import type { APIChatInputApplicationCommandInteraction, APIInteractionResponse } from "discord-api-types/v10";
import { guildStats, statsText } from "../metrics/stats";
import { deliver } from "../summarizer/deliver";
import { ephemeral, thinking } from "./responses";
import { DiscordRest } from "./rest";

const DAY_MS = 86_400_000;

export function statsCommand(interaction: APIChatInputApplicationCommandInteraction, env: Env, ctx: ExecutionContext): APIInteractionResponse {
	const guildId = interaction.guild_id;
	if (!guildId) return ephemeral("Statistics are per server: use this command in a server.");
	const target = { applicationId: interaction.application_id, token: interaction.token };
	const rest = new DiscordRest({ base: env.DISCORD_API_BASE, token: env.DISCORD_BOT_TOKEN });
	const db = drizzle(env.DB);
	const now = Date.now();
	ctx.waitUntil(
		Promise.all([guildStats(db, guildId, new Date(now - DAY_MS)), guildStats(db, guildId, new Date(now - 7 * DAY_MS))])
			.then(
				([day, week]) => ({ embeds: [{ title: "Summary Bot in this server", fields: [{ name: "Last 24 hours", value: statsText(day) }, { name: "Last 7 days", value: statsText(week) }] }] }),
				(error) => {
					console.error(JSON.stringify({ event: "stats.failed", guild: guildId, reason: String(error) }));
					return { content: "I couldn't read the statistics just now. Please try again in a minute." };
				},
			)
			.then((message) => deliver(rest, target, [message], true))
			.catch((error) => console.error(JSON.stringify({ event: "stats.undelivered", reason: String(error) }))),
	);
	return thinking(true);
}
