// /privacy through the Worker: deferred answer, the setting in D1, the guild cache cleared.
import { env } from "cloudflare:workers";
import { ApplicationCommandOptionType, MessageFlags } from "discord-api-types/v10";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { memberOptOuts } from "../../src/db/schema";
import { cacheSummary, guild } from "../helpers/guild";
import { chatCommand, id, sendOk } from "../helpers/interactions";
import { firstResult } from "../helpers/stand-in";

const db = drizzle(env.DB);

async function privacy(action: string, guildId: string, userId: string): Promise<string> {
	const interaction = chatCommand("privacy", [{ name: "action", type: ApplicationCommandOptionType.String, value: action }], {
		guildId,
		userId,
	});
	expect(await sendOk(interaction)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
	const result = await firstResult(interaction.token);
	return (result.body as { content: string }).content;
}

const optedOut = async (guildId: string, userId: string) =>
	(
		await db
			.select()
			.from(memberOptOuts)
			.where(and(eq(memberOptOuts.guildId, guildId), eq(memberOptOuts.userId, userId)))
	).length === 1;

describe("/privacy", () => {
	it("opts a member out and in again, and tells them where they stand", async () => {
		const guildId = id();
		const userId = id();
		expect(await privacy("status", guildId, userId)).toMatch(/^You're opted in/);
		expect(await privacy("opt-out", guildId, userId)).toMatch(/^You're opted out: your messages are left out of every summary/);
		expect(await optedOut(guildId, userId)).toBe(true);
		expect(await privacy("opt-out", guildId, userId)).toMatch(/^You're opted out/);
		expect(await privacy("status", guildId, userId)).toMatch(/^You're opted out/);
		expect(await privacy("opt-in", guildId, userId)).toMatch(/^You're opted in again/);
		expect(await optedOut(guildId, userId)).toBe(false);
		expect(await optedOut(id(), userId)).toBe(false);
	});

	it("clears the guild's cached summaries on opt-out", async () => {
		const guildId = id();
		const stub = guild(guildId);
		await cacheSummary(stub, "k", { content: "a cached summary" });
		await privacy("opt-out", guildId, id());
		const admission = await stub.admit({
			kind: "summary",
			version: 1,
			key: "k",
			cacheTtlSeconds: 60,
			interactionId: id(),
			applicationId: "1",
			token: "t",
			guildId,
			channelId: "1",
			origin: "1",
			userId: id(),
			range: { kind: "count", messages: 100 },
			style: "brief",
			locale: "en-US",
			public: false,
			requestedAt: Date.now(),
		});
		expect(admission.outcome).not.toBe("hit");
	});
});
