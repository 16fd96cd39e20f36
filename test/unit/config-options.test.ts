// /config's checks and the settings the guild's Durable Object applies: pure functions.
import { PermissionFlagsBits as P } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { missingToManage, missingToPost } from "../../src/discord/permissions";
import { type SummaryJob, summaryKey } from "../../src/domain/job";
import { DEFAULT_RATES, limitsOf, resolveJob, UNCONFIGURED } from "../../src/guild/settings";
import { DEFAULT_LIMITS } from "../../src/guild/token-bucket";
import { NOTHING_TO_SET, parseConfig, parseLanguage } from "../../src/interactions/config-options";
import { configEmbed } from "../../src/interactions/config-view";
import { config, MANAGER } from "../helpers/config";
import { ADMIN, id, READ, resolvedChannel } from "../helpers/interactions";

const refusal = (interaction: ReturnType<typeof config>) => {
	const parsed = parseConfig(interaction);
	return parsed.ok ? undefined : parsed.error;
};
const parsed = (interaction: ReturnType<typeof config>) => {
	const result = parseConfig(interaction);
	if (!result.ok) throw new Error(result.error);
	return result.value;
};

describe("who may use /config", () => {
	it("needs Manage Server, or Administrator, from the member's permissions", () => {
		expect(refusal(config("view", {}, { permissions: READ }))).toBe(
			"Only members with **Manage Server** can view or change Summary Bot's settings here. Ask a server admin.",
		);
		expect(refusal(config("set", { style: "brief" }, { permissions: READ }))).toContain("**Manage Server**");
		expect(parsed(config("view", {}, { permissions: ADMIN }))).toEqual({ kind: "view" });
		expect(parsed(config("view", {}, { permissions: MANAGER }))).toEqual({ kind: "view" });
		expect(missingToManage(undefined)).toEqual(["Manage Server"]);
	});

	it("names what a digest needs of the bot", () => {
		expect(missingToPost((P.ViewChannel | P.ReadMessageHistory | P.SendMessages).toString())).toEqual(["Embed Links"]);
		expect(missingToPost(P.Administrator.toString())).toEqual([]);
	});
});

describe("/config set", () => {
	it("takes every setting, and says what can be set when given none", () => {
		expect(
			parsed(
				config("set", {
					guild_per_hour: 100,
					user_per_10_minutes: 3,
					llm_tokens_per_day: 0,
					style: "bullets",
					language: "DE",
					retention_days: 90,
					keep_history: false,
				}),
			),
		).toEqual({
			kind: "set",
			change: {
				guildPerHour: 100,
				userPer10Minutes: 3,
				llmTokensPerDay: 0,
				defaultStyle: "bullets",
				defaultLanguage: "de",
				retentionDays: 90,
				keepHistory: false,
			},
		});
		expect(parsed(config("set", { language: "auto" }))).toEqual({ kind: "set", change: { defaultLanguage: null } });
		expect(refusal(config("set"))).toBe(NOTHING_TO_SET);
		expect(NOTHING_TO_SET).toContain(
			"`guild_per_hour`, `user_per_10_minutes`, `llm_tokens_per_day`, `style`, `language`, `retention_days`, `keep_history`",
		);
	});

	it("refuses each bad value, saying what is allowed", () => {
		expect(refusal(config("set", { guild_per_hour: 0 }))).toBe("`guild_per_hour` must be a whole number from 1 to 1,000.");
		expect(refusal(config("set", { user_per_10_minutes: 101 }))).toBe("`user_per_10_minutes` must be a whole number from 1 to 100.");
		expect(refusal(config("set", { retention_days: 366 }))).toBe("`retention_days` must be a whole number from 1 to 365.");
		expect(refusal(config("set", { retention_days: 1.5 }))).toContain("whole number");
		expect(refusal(config("set", { llm_tokens_per_day: -1 }))).toBe("`llm_tokens_per_day` must be a whole number from 0 to 1,000,000,000.");
		expect(refusal(config("set", { style: "haiku" }))).toBe("`style` must be one of `brief`, `detailed`, `bullets`, `action_items`.");
		expect(refusal(config("set", { keep_history: "yes" }))).toBe("`keep_history` must be true or false.");
		expect(refusal(config("set", { colour: "red" }))).toContain("`/config set` has no option `colour`.");
		expect(refusal(config("set", { language: "klingon!" }))).toContain("`language` must be a language code like `en`");
	});

	it("knows a language from a code", () => {
		expect(parseLanguage("pt-br")).toEqual({ ok: true, value: "pt-BR" });
		expect(parseLanguage(" Auto ")).toEqual({ ok: true, value: null });
		expect(parseLanguage("xx")).toMatchObject({ ok: false });
		expect(parseLanguage("en-US-x-something-long")).toMatchObject({ ok: false });
	});
});

describe("/config digest", () => {
	it("takes a schedule, with defaults for what is left out", () => {
		const channelId = id();
		expect(parsed(config("digest", { cadence: "daily" }, { channelId }))).toEqual({
			kind: "digest",
			digest: { channelId, cadence: "daily", hourUtc: 9, weekday: null, style: null },
		});
		const other = id();
		const picked = { [other]: resolvedChannel(other, MANAGER, (BigInt(READ) | P.EmbedLinks).toString()) };
		expect(
			parsed(config("digest", { cadence: "weekly", channel: other, hour_utc: 17, weekday: 5, style: "action_items" }, {}, picked)),
		).toEqual({
			kind: "digest",
			digest: { channelId: other, cadence: "weekly", hourUtc: 17, weekday: 5, style: "action_items" },
		});
		expect(parsed(config("digest", { cadence: "weekly" }, { channelId }))).toMatchObject({ digest: { weekday: 1 } });
		expect(parsed(config("digest", { cadence: "off" }, { channelId }))).toMatchObject({ digest: { channelId, cadence: "off" } });
	});

	it("refuses what can't work, saying why", () => {
		expect(refusal(config("digest", { cadence: "daily", weekday: 2 }))).toContain("`weekday` is for weekly digests");
		expect(refusal(config("digest", { cadence: "daily", hour_utc: 24 }))).toBe("`hour_utc` must be a whole number from 0 to 23.");
		expect(refusal(config("digest", { cadence: "off", hour_utc: 3 }))).toContain("give only `channel`, not `hour_utc`");
		expect(refusal(config("digest", { cadence: "hourly" }))).toContain("`cadence` must be one of `off`, `daily`, `weekly`");
		expect(refusal(config("digest", { cadence: "daily" }, { appPermissions: READ }))).toMatch(
			/^I can't post a digest in <#\d+>: I need \*\*Embed Links\*\* there/,
		);
		const other = id();
		expect(refusal(config("digest", { cadence: "daily", channel: other }))).toContain("I couldn't see that channel");
		const hidden = { [other]: resolvedChannel(other, MANAGER, "0") };
		expect(refusal(config("digest", { cadence: "daily", channel: other }, {}, hidden))).toContain(
			"I need **View Channel**, **Read Message History**, **Send Messages** and **Embed Links**",
		);
	});
});

describe("the settings the guild's Durable Object applies", () => {
	it("turns rates into token buckets, the defaults into the default buckets", () => {
		expect(limitsOf(UNCONFIGURED)).toEqual(DEFAULT_LIMITS);
		expect(limitsOf({ ...UNCONFIGURED, ...DEFAULT_RATES })).toEqual(DEFAULT_LIMITS);
		expect(limitsOf({ ...UNCONFIGURED, guildPerHour: 100, userPer10Minutes: 1 })).toEqual({
			guild: { capacity: 34, refillMs: 36_000 },
			user: { capacity: 1, refillMs: 600_000 },
		});
	});

	it("fills in the guild's defaults only where the member chose nothing, and keys the job by them", () => {
		const base = {
			channelId: "7",
			origin: "7",
			range: { kind: "count", messages: 100 } as const,
			style: "brief" as const,
			locale: "en-US",
		};
		const job: SummaryJob = {
			kind: "summary",
			version: 1,
			...summaryKey(base, "99"),
			...base,
			guildId: "1",
			userId: "2",
			public: false,
			interactionId: "3",
			applicationId: "4",
			token: "t",
			requestedAt: 0,
		};
		const configured = { ...UNCONFIGURED, defaultStyle: "detailed" as const, defaultLanguage: "de" };
		expect(resolveJob(job, { style: true, language: true }, configured)).toMatchObject({
			style: "detailed",
			locale: "de",
			key: "7:n100:detailed:de@99",
			cacheTtlSeconds: 3600,
		});
		expect(resolveJob(job, { style: false, language: true }, configured)).toMatchObject({
			style: "brief",
			locale: "de",
			key: "7:n100:brief:de@99",
		});
		expect(resolveJob(job, { style: true, language: true }, UNCONFIGURED)).toBe(job);
	});
});

describe("the /config answer", () => {
	it("marks defaults, and shows a digest that was turned off with its reason", () => {
		const defaults = configEmbed(undefined, []);
		const text = JSON.stringify(defaults);
		expect(text).toContain("30 summaries an hour for the server *(default)*");
		expect(text).toContain("Brief *(default)*");
		expect(text).toContain("Each member's own *(default)*");
		expect(text).toContain("Kept 30 days *(default)*");
		expect(text).toContain("2,000,000 tokens a day *(default)*");
		expect(defaults.description).toContain("None. `/config digest cadence:daily`");

		const at = new Date(Date.UTC(2026, 10, 22, 9));
		const settings = {
			guildId: "1",
			guildPerHour: 100,
			userPer10Minutes: null,
			llmTokensPerDay: 50_000,
			defaultStyle: "bullets" as const,
			defaultLanguage: "de",
			retentionDays: 90,
			keepHistory: false,
			updatedBy: "5",
			updatedAt: at,
		};
		const digest = {
			guildId: "1",
			channelId: "8",
			cadence: "weekly" as const,
			hourUtc: 7,
			weekday: 1,
			style: "brief" as const,
			locale: "en-US",
			createdBy: "5",
			createdAt: at,
			lastRunAt: null,
		};
		const embed = configEmbed(settings, [
			{ ...digest, enabled: true, disabledReason: null, nextRunAt: at },
			{
				...digest,
				channelId: "9",
				cadence: "daily",
				weekday: null,
				enabled: false,
				disabledReason: "I couldn't post in <#9>.",
				nextRunAt: null,
			},
		]);
		const shown = JSON.stringify(embed);
		expect(shown).toContain("100 summaries an hour for the server\\n6 per 10 minutes for each member *(default)*");
		expect(shown).toContain('Bullet points"');
		expect(shown).toContain("German (`de`)");
		expect(shown).toContain("50,000 tokens a day;");
		expect(shown).toContain("**Off**: no summary is kept");
		expect(embed.description).toContain("<#8> · weekly on Mondays at 07:00 UTC · Brief · next <t:1795338000:R>");
		expect(embed.description).toContain("<#9> · daily at 07:00 UTC · Brief · **off**: I couldn't post in <#9>. Fix that");
		expect(embed.description).toContain("Last changed <t:1795338000:R> by <@5>.");
	});
});
