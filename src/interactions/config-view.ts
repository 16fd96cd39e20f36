// /config's answer: the settings in effect in a guild, defaults marked, and each digest with its state
// (turned off, and why, when Discord refused the bot). Pure: the handler passes the rows in.
import type { APIEmbed } from "discord-api-types/v10";
import { DEFAULT_RETENTION_DAYS } from "../db/retention";
import type { DigestSchedule, GuildSettings } from "../db/schema";
import { WEEKDAYS } from "../domain/digest-schedule";
import { DEFAULT_DAILY_LLM_TOKENS } from "../domain/limits";
import { DEFAULT_STYLE, STYLES } from "../domain/styles";
import { DEFAULT_RATES } from "../guild/settings";
import { thousands } from "../lib/numbers";
import { languageName } from "./config-options";

const DEFAULT = " *(default)*";
const mark = (isDefault: boolean) => (isDefault ? DEFAULT : "");
const when = (date: Date) => `<t:${Math.floor(date.getTime() / 1000)}:R>`;

function digestLine(digest: DigestSchedule): string {
	const hour = `${String(digest.hourUtc).padStart(2, "0")}:00 UTC`;
	const schedule = digest.cadence === "weekly" ? `weekly on ${WEEKDAYS[digest.weekday ?? 0]}s at ${hour}` : `daily at ${hour}`;
	const head = `<#${digest.channelId}> · ${schedule} · ${STYLES[digest.style]}`;
	if (!digest.enabled) {
		return `${head} · **off**: ${digest.disabledReason ?? "turned off"} Fix that, then run \`/config digest\` for the channel again.`;
	}
	const next = digest.nextRunAt ? ` · next ${when(digest.nextRunAt)}` : "";
	const last = digest.lastRunAt ? ` · last ${when(digest.lastRunAt)}` : "";
	return `${head}${next}${last}`;
}

export function configEmbed(settings: GuildSettings | undefined, digests: DigestSchedule[]): APIEmbed {
	const guildPerHour = settings?.guildPerHour ?? DEFAULT_RATES.guildPerHour;
	const userPer10Minutes = settings?.userPer10Minutes ?? DEFAULT_RATES.userPer10Minutes;
	const style = settings?.defaultStyle ?? DEFAULT_STYLE;
	const language = settings?.defaultLanguage ?? null;
	const retentionDays = settings?.retentionDays ?? DEFAULT_RETENTION_DAYS;
	const keepHistory = settings?.keepHistory ?? true;
	const tokensPerDay = settings?.llmTokensPerDay ?? DEFAULT_DAILY_LLM_TOKENS;
	const history = keepHistory
		? `Kept ${retentionDays} day${retentionDays === 1 ? "" : "s"}${mark(retentionDays === DEFAULT_RETENTION_DAYS)}`
		: "**Off**: no summary is kept";
	return {
		title: "Summary Bot settings",
		// Digests go in the description, whose room (4,096) holds the most a guild can have; a field's (1,024) may not.
		description: [
			settings ? `Last changed ${when(settings.updatedAt)} by <@${settings.updatedBy}>.` : "Nothing changed yet: these are the defaults.",
			"",
			"**Digests**",
			...(digests.length ? digests.map(digestLine) : ["None. `/config digest cadence:daily` posts a daily summary of a channel in it."]),
		].join("\n"),
		fields: [
			{
				name: "Rate limits",
				value: [
					`${guildPerHour} summaries an hour for the server${mark(guildPerHour === DEFAULT_RATES.guildPerHour)}`,
					`${userPer10Minutes} per 10 minutes for each member${mark(userPer10Minutes === DEFAULT_RATES.userPer10Minutes)}`,
				].join("\n"),
			},
			{
				name: "LLM budget",
				value: `${thousands(tokensPerDay)} tokens a day${mark(tokensPerDay === DEFAULT_DAILY_LLM_TOKENS)}; past it, summaries are extractive until midnight UTC. \`/stats\` shows today's use.`,
			},
			{ name: "Default style", value: `${STYLES[style]}${mark(style === DEFAULT_STYLE)}`, inline: true },
			{ name: "Default language", value: language ? languageName(language) : `Each member's own${DEFAULT}`, inline: true },
			{ name: "History", value: history, inline: true },
		],
		footer: { text: "Change with /config set and /config digest" },
	};
}
