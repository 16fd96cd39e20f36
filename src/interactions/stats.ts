// /stats: this guild's last 24 hours and 7 days, how helpful members found its summaries in the last 7
// days, and its LLM budget today. Deferred: D1 is read after the answer.

import type { APIChatInputApplicationCommandInteraction, APIInteractionResponse } from "discord-api-types/v10";
import { drizzle } from "drizzle-orm/d1";
import { budgetsOf, usedToday } from "../db/llm-budget";
import { ephemeral } from "../discord/responses";
import { DAY_MS } from "../lib/time";
import { budgetText, guildStats, statsText } from "../metrics/stats";
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
		const [day, week, votes, used, [budget]] = await Promise.all([
			guildStats(db, guildId, new Date(now - DAY_MS)),
			guildStats(db, guildId, new Date(now - 7 * DAY_MS)),
			guildVotes(db, guildId, new Date(now - 7 * DAY_MS)),
			usedToday(db, guildId, now),
			budgetsOf(db, guildId, undefined),
		]);
		const fields = [
			{ name: "Last 24 hours", value: statsText(day) },
			{ name: "Last 7 days", value: statsText(week) },
			{ name: "Helpful, last 7 days", value: votesText(votes) },
			{ name: "LLM budget today (UTC)", value: budgetText(used, budget.limit, now) },
		];
		return { embeds: [{ title: "Summary Bot in this server", fields }] };
	};
	return replyLater(interaction, env, ctx, work, {
		event: "stats.failed",
		content: "I couldn't read the statistics just now. Please try again in a minute.",
	});
}
