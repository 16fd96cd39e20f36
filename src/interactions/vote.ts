// 👍 / 👎 under a summary: one vote per member and summary, a second click changing it. Storing the vote is
// the click's whole purpose, so the answer waits for it, as every command that needs D1 does: "thinking…"
// at once, then "Thanks — noted" once D1 has the vote, or a request to click again if D1 kept failing. An
// answer of "noted" before the write could not take back a vote that was then lost.
import type { APIInteractionResponse, APIMessageComponentInteraction } from "discord-api-types/v10";
import { drizzle } from "drizzle-orm/d1";
import { recordVote } from "../db/votes";
import { isOwnButton, type VoteButton } from "../discord/buttons";
import { ephemeral } from "../discord/responses";
import { timeOf } from "../domain/snowflake";
import { type Point, writeDataPoint } from "../metrics/analytics";
import { replyLater } from "./deferred";

const SAID = {
	noted: "Thanks — noted.",
	lost: "I couldn't record your vote just now. Please click it again in a minute.",
	notMine: "That button isn't on one of my summaries, so I won't count it.",
	guildOnly: "Votes are counted in server channels only.",
};

export function voteCommand(
	interaction: APIMessageComponentInteraction,
	button: VoteButton,
	env: Env,
	ctx: ExecutionContext,
): APIInteractionResponse {
	const guildId = interaction.guild_id;
	const userId = interaction.member?.user.id;
	if (!guildId || !userId) return ephemeral(SAID.guildOnly);
	const point = (outcome: Point["outcome"]): Point => ({
		id: interaction.id,
		guildId,
		userId,
		command: "vote",
		outcome,
		// A refused click's id was written by someone else: its model is anybody's free text, kept out of analytics.
		...(outcome === "refused" ? {} : { style: button.style, model: button.model }),
		// The time to the answer, which needs no I/O (the vote is stored after it): nothing to measure.
		latencyMs: 0,
		...(outcome === "voted" ? { vote: button.vote } : {}),
	});
	if (!isOwnButton(interaction)) {
		writeDataPoint(env, point("refused"));
		return ephemeral(SAID.notMine);
	}
	const work = async () => {
		const stored = await recordVote(drizzle(env.DB), {
			messageId: interaction.message.id,
			userId,
			guildId,
			vote: button.vote,
			style: button.style,
			model: button.model,
			summaryAt: new Date(timeOf(interaction.message.id)),
			votedAt: new Date(),
		});
		writeDataPoint(env, point(stored ? "voted" : "failed"));
		return { content: stored ? SAID.noted : SAID.lost };
	};
	return replyLater(interaction, env, ctx, work, { event: "vote.failed", content: SAID.lost });
}
