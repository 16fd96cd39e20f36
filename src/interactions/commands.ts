// Every command of the bot, in one module: the runtime dispatches on these names and
// `npm run register` uploads exactly this list. Node loads it for the scripts (register, the playground),
// and finds a module only by its whole name: so this module and those it imports name theirs with .ts.
import {
	type ApplicationCommandOptionAllowedChannelType,
	ApplicationCommandOptionType,
	ApplicationCommandType,
	ApplicationIntegrationType,
	ChannelType,
	InteractionContextType,
	PermissionFlagsBits,
} from "discord-api-types/payloads/v10";
import type { RESTPutAPIApplicationCommandsJSONBody } from "discord-api-types/v10";
import { CADENCES, DIGEST_DEFAULTS, WEEKDAYS } from "../domain/digest-schedule.ts";
import { LANGUAGE_MAX_LENGTH, MEMBERS_LANGUAGE, MESSAGES, SETTING_RANGES } from "../domain/limits.ts";
import { STYLES } from "../domain/styles.ts";

export const COMMAND = {
	summarize: "summarize",
	summarizeFromHere: "Summarize from here",
	catchup: "catchup",
	summaries: "summaries",
	stats: "stats",
	config: "config",
	privacy: "privacy",
	help: "help",
} as const;

/** Channels whose messages can be read: text, announcements, threads and the text chat of voice channels. */
export const SUMMARIZABLE_CHANNEL_TYPES: ApplicationCommandOptionAllowedChannelType[] = [
	ChannelType.GuildText,
	ChannelType.GuildAnnouncement,
	ChannelType.PublicThread,
	ChannelType.PrivateThread,
	ChannelType.AnnouncementThread,
	ChannelType.GuildVoice,
	ChannelType.GuildStageVoice,
];

// Summaries read server channels, so no command is offered in DMs or as a user-installed app.
const inGuilds = {
	contexts: [InteractionContextType.Guild],
	integration_types: [ApplicationIntegrationType.GuildInstall],
};

const styleOption = {
	type: ApplicationCommandOptionType.String,
	name: "style",
	description: "How the summary reads (default: brief)",
	choices: Object.entries(STYLES).map(([value, name]) => ({ name, value })),
} as const;

export const COMMANDS = [
	{
		...inGuilds,
		name: COMMAND.summarize,
		type: ApplicationCommandType.ChatInput,
		description: "Summarize recent messages of a channel",
		options: [
			{
				type: ApplicationCommandOptionType.Integer,
				name: "messages",
				description: `How many recent messages (${MESSAGES.min}–${MESSAGES.max}, default ${MESSAGES.default})`,
				min_value: MESSAGES.min,
				max_value: MESSAGES.max,
			},
			{
				type: ApplicationCommandOptionType.String,
				name: "since",
				description: "Only messages this recent, like 30m, 6h, 2d or 1w (at most 14 days)",
				max_length: 20,
			},
			{
				type: ApplicationCommandOptionType.Channel,
				name: "channel",
				description: "Channel or thread to summarize (default: this one)",
				channel_types: SUMMARIZABLE_CHANNEL_TYPES,
			},
			styleOption,
			{
				type: ApplicationCommandOptionType.Boolean,
				name: "public",
				description: "Post the summary for everyone in the channel (default: only you see it)",
			},
		],
	},
	{
		...inGuilds,
		name: COMMAND.summarizeFromHere,
		type: ApplicationCommandType.Message,
	},
	{
		...inGuilds,
		name: COMMAND.catchup,
		type: ApplicationCommandType.ChatInput,
		description: "What you missed here since your last message (at most 14 days), only for you",
		options: [styleOption],
	},
	{
		...inGuilds,
		name: COMMAND.summaries,
		type: ApplicationCommandType.ChatInput,
		description: "Recent summaries of this channel, and your own",
		options: [
			{
				type: ApplicationCommandOptionType.Integer,
				name: "limit",
				description: "How many to list (1–25, default 10)",
				min_value: 1,
				max_value: 25,
			},
		],
	},
	{
		...inGuilds,
		name: COMMAND.stats,
		type: ApplicationCommandType.ChatInput,
		description: "This server's summary usage: requests, cache hits, speed and tokens",
	},
	{
		...inGuilds,
		name: COMMAND.config,
		type: ApplicationCommandType.ChatInput,
		description: "View or change how the bot works in this server (Manage Server)",
		default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
		options: [
			{
				type: ApplicationCommandOptionType.Subcommand,
				name: "view",
				description: "Show this server's settings",
			},
			{
				type: ApplicationCommandOptionType.Subcommand,
				name: "set",
				description: "Change this server's settings",
				options: [
					{
						type: ApplicationCommandOptionType.Integer,
						name: "guild_per_hour",
						description: "Summaries the whole server may request per hour",
						min_value: SETTING_RANGES.guild_per_hour.min,
						max_value: SETTING_RANGES.guild_per_hour.max,
					},
					{
						type: ApplicationCommandOptionType.Integer,
						name: "user_per_10_minutes",
						description: "Summaries one member may request per 10 minutes",
						min_value: SETTING_RANGES.user_per_10_minutes.min,
						max_value: SETTING_RANGES.user_per_10_minutes.max,
					},
					{
						type: ApplicationCommandOptionType.Integer,
						name: "llm_tokens_per_day",
						description: "LLM tokens the server's summaries may spend per UTC day; past it they are extractive",
						min_value: SETTING_RANGES.llm_tokens_per_day.min,
						max_value: SETTING_RANGES.llm_tokens_per_day.max,
					},
					{
						type: ApplicationCommandOptionType.String,
						name: "style",
						description: "Default summary style",
						choices: Object.entries(STYLES).map(([value, name]) => ({ name, value })),
					},
					{
						type: ApplicationCommandOptionType.String,
						name: "language",
						description: `Default summary language, like en or de; ${MEMBERS_LANGUAGE} for each member's own (the default)`,
						max_length: LANGUAGE_MAX_LENGTH,
					},
					{
						type: ApplicationCommandOptionType.Integer,
						name: "retention_days",
						description: `Days to keep summary history (${SETTING_RANGES.retention_days.min}–${SETTING_RANGES.retention_days.max})`,
						min_value: SETTING_RANGES.retention_days.min,
						max_value: SETTING_RANGES.retention_days.max,
					},
					{
						type: ApplicationCommandOptionType.Boolean,
						name: "keep_history",
						description: "Whether summary history is kept at all",
					},
				],
			},
			{
				type: ApplicationCommandOptionType.Subcommand,
				name: "digest",
				description: "Post a daily or weekly summary of a channel in that channel, or stop it",
				options: [
					{
						type: ApplicationCommandOptionType.String,
						name: "cadence",
						description: "How often",
						required: true,
						choices: Object.entries(CADENCES).map(([value, name]) => ({ name, value })),
					},
					{
						type: ApplicationCommandOptionType.Channel,
						name: "channel",
						description: "Channel to summarize and post in (default: this one)",
						channel_types: SUMMARIZABLE_CHANNEL_TYPES,
					},
					{
						type: ApplicationCommandOptionType.Integer,
						name: "hour_utc",
						description: `Hour of the day it is posted, UTC (${SETTING_RANGES.hour_utc.min}–${SETTING_RANGES.hour_utc.max}, default ${DIGEST_DEFAULTS.hourUtc})`,
						min_value: SETTING_RANGES.hour_utc.min,
						max_value: SETTING_RANGES.hour_utc.max,
					},
					{
						type: ApplicationCommandOptionType.Integer,
						name: "weekday",
						description: `Day of a weekly digest (default ${WEEKDAYS[DIGEST_DEFAULTS.weekday]})`,
						choices: WEEKDAYS.map((name, value) => ({ name, value })),
					},
					{
						type: ApplicationCommandOptionType.String,
						name: "style",
						description: "How the digest reads (default: the server's default style)",
						choices: Object.entries(STYLES).map(([value, name]) => ({ name, value })),
					},
				],
			},
		],
	},
	{
		...inGuilds,
		name: COMMAND.privacy,
		type: ApplicationCommandType.ChatInput,
		description: "Leave your messages out of every summary, or include them again",
		options: [
			{
				type: ApplicationCommandOptionType.String,
				name: "action",
				description: "What to do",
				required: true,
				choices: [
					{ name: "Opt out: leave my messages out", value: "opt-out" },
					{ name: "Opt in: include my messages again", value: "opt-in" },
					{ name: "Status: am I opted out?", value: "status" },
				],
			},
		],
	},
	{
		...inGuilds,
		name: COMMAND.help,
		type: ApplicationCommandType.ChatInput,
		description: "What the bot does and how to use it",
	},
] satisfies RESTPutAPIApplicationCommandsJSONBody;
