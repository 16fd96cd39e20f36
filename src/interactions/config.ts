// /config view | set | digest, for members with Manage Server. The permission and every value are checked
// on the interaction path; then the answer is "thinking…" while D1, the settings' source of truth, is
// read and written, and the guild's Durable Object is given the limits and defaults it enforces.

import type { APIChatInputApplicationCommandInteraction, APIInteractionResponse } from "discord-api-types/v10";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { MAX_DIGESTS, readConfig, removeDigest, saveDigest, saveSettings } from "../db/settings";
import { ephemeral } from "../discord/responses";
import type { WebhookMessage } from "../discord/webhooks";
import { nextRunAt } from "../domain/digest-schedule";
import { DEFAULT_STYLE } from "../domain/styles";
import { forgetRecentSummaries, guildObject } from "../guild/client";
import { configOf } from "../guild/settings";
import { log, reason } from "../lib/log";
import { type ConfigRequest, type DigestRequest, parseConfig } from "./config-options";
import { configEmbed } from "./config-view";
import { replyLater } from "./deferred";

interface Admin {
	guildId: string;
	userId: string;
	/** The guild's locale: a digest's language unless the guild sets a default one. */
	guildLocale: string;
}

export function configCommand(
	interaction: APIChatInputApplicationCommandInteraction,
	env: Env,
	ctx: ExecutionContext,
): APIInteractionResponse {
	const parsed = parseConfig(interaction);
	if (!parsed.ok) return ephemeral(parsed.error);
	if (!interaction.guild_id || !interaction.member) return ephemeral("Settings are per server: use this command in a server.");
	const admin = { guildId: interaction.guild_id, userId: interaction.member.user.id, guildLocale: interaction.guild_locale ?? "en-US" };
	return replyLater(interaction, env, ctx, () => apply(env, parsed.value, admin), {
		event: "config.failed",
		content:
			"I couldn't read or save the settings just now, and nothing was changed unless `/config view` shows it. Please try again in a minute.",
	});
}

async function apply(env: Env, request: ConfigRequest, admin: Admin): Promise<WebhookMessage> {
	const db = drizzle(env.DB);
	const notes: string[] = [];
	if (request.kind === "set") {
		await saveSettings(db, admin.guildId, request.change, { userId: admin.userId, at: new Date() });
		notes.push("Saved.");
		if (request.change.keepHistory === false)
			notes.push("History is off: no summary is kept from now on, and those kept so far are deleted within the hour.");
	}
	if (request.kind === "digest") notes.push(await applyDigest(db, request.digest, admin));

	const { settings, digests } = await readConfig(db, admin.guildId);
	// Every answer gives the Durable Object the settings again, so one that missed a change gets it now.
	const applied = await guildObject(env, admin.guildId)
		.configure(configOf(settings))
		.then(
			() => true,
			(error: unknown) => {
				log({ event: "config.push_failed", guild: admin.guildId, reason: reason(error) });
				return false;
			},
		);
	if (request.kind === "set") forgetRecentSummaries();
	if (!applied && request.kind === "set")
		notes.push("The new limits and defaults are saved but not in force yet: run `/config view` in a minute to apply them.");
	return { ...(notes.length ? { content: notes.join("\n") } : {}), embeds: [configEmbed(settings, digests)] };
}

async function applyDigest(db: DrizzleD1Database, digest: DigestRequest, admin: Admin): Promise<string> {
	const channel = `<#${digest.channelId}>`;
	if (digest.cadence === "off")
		return (await removeDigest(db, admin.guildId, digest.channelId)) ? `Stopped the digest of ${channel}.` : `${channel} had no digest.`;
	const { settings } = await readConfig(db, admin.guildId);
	const now = Date.now();
	const schedule = { cadence: digest.cadence, hourUtc: digest.hourUtc, weekday: digest.weekday };
	const next = nextRunAt(schedule, now);
	const saved = await saveDigest(db, {
		guildId: admin.guildId,
		channelId: digest.channelId,
		...schedule,
		style: digest.style ?? settings?.defaultStyle ?? DEFAULT_STYLE,
		locale: admin.guildLocale,
		nextRunAt: new Date(next),
		createdBy: admin.userId,
		createdAt: new Date(now),
	});
	if (!saved)
		return `This server has ${MAX_DIGESTS} digests, the most it can have. Stop one with \`/config digest cadence:off channel:\` first.`;
	return `Saved: the first digest of ${channel} is posted <t:${Math.floor(next / 1000)}:R>.`;
}
