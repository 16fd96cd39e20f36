// /summaries: this channel's public summaries and the member's own, never someone else's private one.
import { env } from "cloudflare:workers";
import { ApplicationCommandOptionType, MessageFlags } from "discord-api-types/v10";
import { drizzle } from "drizzle-orm/d1";
import { expect, it, vi } from "vitest";
import { summaries } from "../../src/db/schema";
import { chatCommand, id, sendOk } from "../helpers/interactions";
import { resultsFor } from "../helpers/stand-in";

const db = drizzle(env.DB);

function row(guildId: string, channelId: string, requesterId: string, isPublic: boolean, minutesAgo: number) {
	return {
		id: id(),
		guildId,
		channelId,
		requesterId,
		public: isPublic,
		rangeKind: "count" as const,
		rangeMessages: 100,
		style: "brief" as const,
		language: "en-US",
		model: "extractive",
		messageCount: 100,
		firstMessageId: id(),
		createdAt: new Date(Date.now() - minutesAgo * 60_000),
	};
}

it("lists this channel's public summaries and the member's own, newest first", async () => {
	const [guildId, here, elsewhere, me, someone] = [id(), id(), id(), id(), id()];
	// One statement a row: D1 binds at most 100 parameters per statement.
	for (const summary of [
		row(guildId, here, me, false, 1),
		row(guildId, here, someone, false, 2),
		row(guildId, here, someone, true, 3),
		row(guildId, elsewhere, me, false, 4),
		row(guildId, elsewhere, someone, true, 5),
		row(id(), here, me, false, 6),
	]) {
		await db.insert(summaries).values(summary);
	}
	const interaction = chatCommand("summaries", [{ name: "limit", type: ApplicationCommandOptionType.Integer, value: 10 }], {
		guildId,
		channelId: here,
		userId: me,
	});
	expect(await sendOk(interaction)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
	const [result] = await vi.waitUntil(async () => {
		const found = await resultsFor(interaction.token);
		return found.length ? found : false;
	});
	const lines = (result.body as { embeds: { description: string }[] }).embeds[0].description.split("\n");
	expect(lines).toHaveLength(3);
	expect(lines[0]).toMatch(
		new RegExp(`<#${here}> · last 100 messages · brief · yours, private · \\[jump\\]\\(https://discord.com/channels/${guildId}/${here}/`),
	);
	expect(lines[1]).toMatch(new RegExp(`<#${here}> .* public`));
	expect(lines[2]).toMatch(new RegExp(`<#${elsewhere}> .* yours, private`));
});

it("refuses a limit out of bounds and says so", async () => {
	const response = await sendOk(chatCommand("summaries", [{ name: "limit", type: ApplicationCommandOptionType.Integer, value: 99 }]));
	expect(response).toMatchObject({ type: 4, data: { flags: MessageFlags.Ephemeral, content: expect.stringContaining("from 1 to 25") } });
});
