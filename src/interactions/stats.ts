// /stats: this guild's last 24 hours and 7 days, and how helpful members found its summaries in the last 7
// days. Deferred: D1 is read after the answer.

import type { APIChatInputApplicationCommandInteraction, APIInteractionResponse } from "discord-api-types/v10";
import { drizzle } from "drizzle-orm/d1";
import { ephemeral } from "../discord/responses";
import { DAY_MS } from "../lib/time";
import { guildStats, statsText } from "../metrics/stats";
import { guildVotes, votesText } from "../metrics/votes";
import { replyLater } from "./deferred";

export function statsCommand(
	interaction: APIChatInputApplicationCommandInteraction,
	env: Env,
	ctx: ExecutionContext,
): APIInteractionResponse {
	const guildId = interaction.guild_id;
	if (!guildId) return ephemeral("Statistics are per server: use this command in a server.");
	const work = async () => {
		const db = drizzle(env.DB);
		const now = Date.now();
		const [day, week, votes] = await Promise.all([
			guildStats(db, guildId, new Date(now - DAY_MS)),
			guildStats(db, guildId, new Date(now - 7 * DAY_MS)),
			guildVotes(db, guildId, new Date(now - 7 * DAY_MS)),
		]);
		const fields = [
			{ name: "Last 24 hours", value: statsText(day) },
			{ name: "Last 7 days", value: statsText(week) },
			{ name: "Helpful, last 7 days", value: votesText(votes) },
		];
		return { embeds: [{ title: "Summary Bot in this server", fields }] };
	};
	return replyLater(interaction, env, ctx, work, {
		event: "stats.failed",
		content: "I couldn't read the statistics just now. Please try again in a minute.",
	});
}
