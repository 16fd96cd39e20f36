// Turns a /config interaction into what it asks for, or into the reason it can't be done: a missing
// Manage Server permission, a bad value, or a digest channel the bot couldn't post in. Pure: no I/O.
import {
	type APIApplicationCommandSubcommandOption,
	type APIChatInputApplicationCommandInteraction,
	ApplicationCommandOptionType,
} from "discord-api-types/payloads/v10";
import type { SettingsChange } from "../db/settings";
import { listNames, missingToManage, missingToPost, missingToRead } from "../discord/permissions";
import { CADENCES, type Cadence, DIGEST_DEFAULTS, WEEKDAYS } from "../domain/digest-schedule";
import { LANGUAGE_MAX_LENGTH, MEMBERS_LANGUAGE, SETTING_RANGES } from "../domain/limits";
import { STYLES, type Style } from "../domain/styles";
import { thousands } from "../lib/numbers";
import { err, ok, type Result } from "../lib/result";
import { COMMAND, COMMANDS } from "./commands";

export interface DigestRequest {
	channelId: string;
	cadence: Cadence;
	hourUtc: number;
	/** 0 = Sunday; weekly digests only. */
	weekday: number | null;
	/** Null: the server's default style when the digest is saved. */
	style: Style | null;
}

export type ConfigRequest = { kind: "view" } | { kind: "set"; change: SettingsChange } | { kind: "digest"; digest: DigestRequest };

type OptionValue = string | number | boolean;

const SUBCOMMANDS = (COMMANDS.find((command) => command.name === COMMAND.config)?.options ?? []) as APIApplicationCommandSubcommandOption[];
const SET_OPTIONS = SUBCOMMANDS.find((option) => option.name === "set")?.options?.map((option) => option.name) ?? [];
const code = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(", ");

export const NOTHING_TO_SET = `Nothing to change: give one or more of ${code(SET_OPTIONS)}, like \`/config set style:bullets retention_days:90\`. Digests are set with \`/config digest\`.`;

// Made on first use, not when the isolate starts: most interactions never name a language.
let names: Intl.DisplayNames | undefined;
const languageNames = () => (names ??= new Intl.DisplayNames(["en"], { type: "language", fallback: "none" }));

/** A language as a canonical BCP 47 tag (`de`, `pt-BR`), or null for each member's own. */
export function parseLanguage(text: string): Result<string | null> {
	const trimmed = text.trim();
	if (trimmed.toLowerCase() === MEMBERS_LANGUAGE) return ok(null);
	const wrong = err(
		`\`language\` must be a language code like \`en\`, \`de\` or \`pt-BR\`, or \`${MEMBERS_LANGUAGE}\` for each member's own.`,
	);
	if (trimmed.length > LANGUAGE_MAX_LENGTH) return wrong;
	try {
		const [tag] = Intl.getCanonicalLocales(trimmed);
		return tag && languageNames().of(tag) ? ok(tag) : wrong;
	} catch {
		return wrong;
	}
}

/** "German (de)", for showing a stored language. */
export function languageName(tag: string): string {
	return `${languageNames().of(tag) ?? tag} (\`${tag}\`)`;
}

function integerIn(values: Map<string, OptionValue>, name: keyof typeof SETTING_RANGES): Result<number | undefined> {
	const value = values.get(name);
	if (value === undefined) return ok(undefined);
	const { min, max } = SETTING_RANGES[name];
	if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
		return err(`\`${name}\` must be a whole number from ${thousands(min)} to ${thousands(max)}.`);
	}
	return ok(value);
}

function styleIn(values: Map<string, OptionValue>): Result<Style | undefined> {
	const value = values.get("style");
	if (value === undefined) return ok(undefined);
	if (typeof value === "string" && Object.hasOwn(STYLES, value)) return ok(value as Style);
	return err(`\`style\` must be one of ${code(Object.keys(STYLES))}.`);
}

/** The whole-number options of `/config set`, and the settings they change. */
const INTEGER_SETTINGS = [
	["guild_per_hour", "guildPerHour"],
	["user_per_10_minutes", "userPer10Minutes"],
	["retention_days", "retentionDays"],
	["llm_tokens_per_day", "llmTokensPerDay"],
] as const;

function parseSet(values: Map<string, OptionValue>): Result<SettingsChange> {
	const unknown = [...values.keys()].filter((name) => !SET_OPTIONS.includes(name));
	if (unknown.length) return err(`\`/config set\` has no option ${code(unknown)}. ${NOTHING_TO_SET}`);
	if (!values.size) return err(NOTHING_TO_SET);
	const change: SettingsChange = {};
	for (const [option, setting] of INTEGER_SETTINGS) {
		const checked = integerIn(values, option);
		if (!checked.ok) return checked;
		if (checked.value !== undefined) change[setting] = checked.value;
	}
	const style = styleIn(values);
	if (!style.ok) return style;
	if (style.value) change.defaultStyle = style.value;
	const language = values.get("language");
	if (language !== undefined) {
		const parsed = parseLanguage(String(language));
		if (!parsed.ok) return parsed;
		change.defaultLanguage = parsed.value;
	}
	const keepHistory = values.get("keep_history");
	if (keepHistory !== undefined) {
		if (typeof keepHistory !== "boolean") return err("`keep_history` must be true or false.");
		change.keepHistory = keepHistory;
	}
	return ok(change);
}

function parseDigest(values: Map<string, OptionValue>, interaction: APIChatInputApplicationCommandInteraction): Result<DigestRequest> {
	const given = values.get("cadence");
	if (typeof given !== "string" || !Object.hasOwn(CADENCES, given))
		return err(`\`cadence\` must be one of ${code(Object.keys(CADENCES))}.`);
	const cadence = given as Cadence;
	const here = interaction.channel?.id ?? interaction.channel_id;
	const option = values.get("channel");
	const resolved = option === undefined ? undefined : interaction.data.resolved?.channels?.[String(option)];
	if (option !== undefined && !resolved) return err("I couldn't see that channel. Pick a text channel or thread from the list.");
	const channelId = resolved?.id ?? here;
	if (!channelId) return err("Pick the digest's channel with `channel:`.");

	if (cadence === "off") {
		const extra = [...values.keys()].filter((name) => name !== "cadence" && name !== "channel");
		if (extra.length) return err(`\`cadence:off\` stops the digest of a channel: give only \`channel\`, not ${code(extra)}.`);
		return ok({ channelId, cadence, hourUtc: DIGEST_DEFAULTS.hourUtc, weekday: null, style: null });
	}
	const hourUtc = integerIn(values, "hour_utc");
	if (!hourUtc.ok) return hourUtc;
	const weekday = values.get("weekday");
	if (weekday !== undefined && cadence !== "weekly")
		return err("`weekday` is for weekly digests: use `cadence:weekly`, or leave `weekday` out.");
	if (weekday !== undefined && (typeof weekday !== "number" || !Number.isInteger(weekday) || !WEEKDAYS[weekday])) {
		return err(`\`weekday\` must be a day of the week, 0 (${WEEKDAYS[0]}) to 6 (${WEEKDAYS[6]}).`);
	}
	const style = styleIn(values);
	if (!style.ok) return style;

	// Discord sends the member's and the bot's permissions for this channel, and for a picked one when it can.
	const member = resolved ? resolved.permissions : interaction.member?.permissions;
	const memberMissing = missingToRead(member);
	if (memberMissing.length) return err(`You can't set a digest for <#${channelId}>: you need ${listNames(memberMissing)} there.`);
	const bot = resolved ? resolved.app_permissions : interaction.app_permissions;
	const botMissing = bot === undefined ? [] : missingToPost(bot);
	if (botMissing.length) {
		return err(
			`I can't post a digest in <#${channelId}>: I need ${listNames(botMissing)} there. Grant Summary Bot these permissions in the channel's settings, then try again.`,
		);
	}
	return ok({
		channelId,
		cadence,
		hourUtc: hourUtc.value ?? DIGEST_DEFAULTS.hourUtc,
		weekday: cadence === "weekly" ? ((weekday as number | undefined) ?? DIGEST_DEFAULTS.weekday) : null,
		style: style.value ?? null,
	});
}

export function parseConfig(interaction: APIChatInputApplicationCommandInteraction): Result<ConfigRequest> {
	if (!interaction.guild_id || !interaction.member) return err("Settings are per server: use this command in a server.");
	const missing = missingToManage(interaction.member.permissions);
	if (missing.length)
		return err(`Only members with ${listNames(missing)} can view or change Summary Bot's settings here. Ask a server admin.`);
	const [sub] = interaction.data.options ?? [];
	if (sub?.type !== ApplicationCommandOptionType.Subcommand) return err("Use `/config view`, `/config set` or `/config digest`.");
	const values = new Map<string, OptionValue>();
	for (const option of sub.options ?? []) values.set(option.name, option.value);
	switch (sub.name) {
		case "view":
			return ok({ kind: "view" });
		case "set": {
			const change = parseSet(values);
			return change.ok ? ok({ kind: "set", change: change.value }) : change;
		}
		case "digest": {
			const digest = parseDigest(values, interaction);
			return digest.ok ? ok({ kind: "digest", digest: digest.value }) : digest;
		}
		default:
			return err("Use `/config view`, `/config set` or `/config digest`.");
	}
}
