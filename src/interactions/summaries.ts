// /summaries [limit]: recent summaries of this channel that were posted publicly, and the member's own.
// Never someone else's private one. Answered deferred: D1 is read after the answer, never before it.
// In a guild that keeps no history, it says so.

import {
	type APIChatInputApplicationCommandInteraction,
	type APIInteractionResponse,
	ApplicationCommandOptionType,
} from "discord-api-types/payloads/v10";
import { drizzle } from "drizzle-orm/d1";
import { keepsHistory } from "../db/settings";
import { type ListedSummary, recentSummaries } from "../db/summaries";
import { messageLink, rangeLabel } from "../discord/render";
import { ephemeral } from "../discord/responses";
import type { Range } from "../domain/job";
import { timeOf } from "../domain/snowflake";
import { replyLater } from "./deferred";

const DEFAULT_LIMIT = 10;

type Row = ListedSummary;

function rangeOf(row: Row): Range {
	if (row.rangeKind === "since") return { kind: "since", seconds: row.rangeSeconds ?? 0, maxMessages: row.rangeMessages ?? 0 };
	if (row.rangeKind === "from") return { kind: "from", messageId: row.rangeFromMessageId ?? "" };
	if (row.rangeKind === "after") return { kind: "after", messageId: row.rangeFromMessageId ?? "" };
	if (row.rangeKind === "joined") return { kind: "joined", at: timeOf(row.rangeFromMessageId ?? "0") };
	return { kind: "count", messages: row.rangeMessages ?? 0 };
}

/** One line per summary: when, where, what range, and a link to where the range starts. */
export function listLine(row: Row, userId: string): string {
	const when = `<t:${Math.floor(row.createdAt.getTime() / 1000)}:R>`;
	const link = row.firstMessageId ? ` · [jump](${messageLink(row.guildId, row.channelId, row.firstMessageId)})` : "";
	const whose = row.requesterId === userId ? (row.public ? "yours, public" : "yours, private") : "public";
	return `${when} · <#${row.channelId}> · ${rangeLabel(rangeOf(row))} · ${row.style} · ${whose}${link}`;
}

export function summariesCommand(
	interaction: APIChatInputApplicationCommandInteraction,
	env: Env,
	ctx: ExecutionContext,
): APIInteractionResponse {
	if (!interaction.guild_id || !interaction.member) return ephemeral("Summaries are kept per server: use this command in a server.");
	const option = interaction.data.options?.find((o) => o.name === "limit");
	const limit = option?.type === ApplicationCommandOptionType.Integer ? option.value : DEFAULT_LIMIT;
	if (!Number.isInteger(limit) || limit < 1 || limit > 25) return ephemeral("`limit` must be a whole number from 1 to 25.");
	const query = {
		guildId: interaction.guild_id,
		channelId: interaction.channel?.id ?? interaction.channel_id ?? "",
		userId: interaction.member.user.id,
		limit,
	};
	const work = async () => {
		if (!(await keepsHistory(drizzle(env.DB), query.guildId))) {
			return {
				content:
					"Summary history is off in this server: an admin turned it off with `/config set keep_history:False`, so no summary is kept.",
			};
		}
		const rows = await recentSummaries(drizzle(env.DB), query);
		const description = rows.length
			? rows.map((row) => listLine(row, query.userId)).join("\n")
			: "No summaries here yet. Try `/summarize`.";
		return { embeds: [{ title: "Recent summaries", description }] };
	};
	return replyLater(interaction, env, ctx, work, {
		event: "summaries.failed",
		content: "I couldn't read the summary history just now. Please try again in a minute.",
	});
}
