// The D1 schema: guild settings, summary history, usage events, votes on summaries, member opt-outs,
// digest schedules and LLM budgets.
// drizzle-kit turns it into migrations/; rows are typed from it. No member's words are stored anywhere: a
// summary's row says what was summarized (channel, range, style, counts, time, the first message for a
// jump link), and only for the guild's retention period.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { STYLES } from "../domain/styles";
import { VOTES } from "../domain/vote";

const styles = Object.keys(STYLES) as [keyof typeof STYLES, ...(keyof typeof STYLES)[]];
const time = (name: string) => integer(name, { mode: "timestamp_ms" });

export const guildSettings = sqliteTable("guild_settings", {
	guildId: text("guild_id").primaryKey(),
	/** Null fields fall back to the defaults in code. */
	guildPerHour: integer("guild_per_hour"),
	userPer10Minutes: integer("user_per_10_minutes"),
	defaultStyle: text("default_style", { enum: styles }),
	defaultLanguage: text("default_language"),
	/** LLM tokens the guild's summaries may spend per UTC day; null: DEFAULT_DAILY_LLM_TOKENS. */
	llmTokensPerDay: integer("llm_tokens_per_day"),
	retentionDays: integer("retention_days").notNull().default(30),
	keepHistory: integer("keep_history", { mode: "boolean" }).notNull().default(true),
	updatedBy: text("updated_by").notNull(),
	updatedAt: time("updated_at").notNull(),
});

export const summaries = sqliteTable(
	"summaries",
	{
		/** The interaction id: writes are idempotent under repeated queue delivery. */
		id: text("id").primaryKey(),
		guildId: text("guild_id").notNull(),
		channelId: text("channel_id").notNull(),
		requesterId: text("requester_id").notNull(),
		/** A catch-up's row has the range its start resolved to: "after" the member's last message, or since they "joined". */
		rangeKind: text("range_kind", { enum: ["count", "since", "from", "after", "joined"] }).notNull(),
		rangeMessages: integer("range_messages"),
		rangeSeconds: integer("range_seconds"),
		rangeFromMessageId: text("range_from_message_id"),
		/** The span actually summarized, for jump links. */
		firstMessageId: text("first_message_id"),
		lastMessageId: text("last_message_id"),
		style: text("style", { enum: styles }).notNull(),
		language: text("language").notNull(),
		/** The model's name, or "extractive". */
		model: text("model").notNull(),
		public: integer("public", { mode: "boolean" }).notNull(),
		messageCount: integer("message_count").notNull(),
		tokensIn: integer("tokens_in").notNull().default(0),
		tokensOut: integer("tokens_out").notNull().default(0),
		costMicroUsd: integer("cost_micro_usd").notNull().default(0),
		timeToResultMs: integer("time_to_result_ms"),
		cached: integer("cached", { mode: "boolean" }).notNull().default(false),
		fallback: integer("fallback", { mode: "boolean" }).notNull().default(false),
		expired: integer("expired", { mode: "boolean" }).notNull().default(false),
		createdAt: time("created_at").notNull(),
	},
	(table) => [
		index("summaries_by_guild_time").on(table.guildId, table.createdAt),
		index("summaries_by_channel_time").on(table.channelId, table.createdAt),
		index("summaries_by_requester_time").on(table.guildId, table.requesterId, table.createdAt),
	],
);

export const OUTCOMES = ["delivered", "cached", "joined", "rate_limited", "refused", "failed", "expired"] as const;

export const usageEvents = sqliteTable(
	"usage_events",
	{
		/** The interaction id: one event per interaction. */
		id: text("id").primaryKey(),
		guildId: text("guild_id").notNull(),
		userId: text("user_id").notNull(),
		command: text("command").notNull(),
		outcome: text("outcome", { enum: OUTCOMES }).notNull(),
		/** Time to the interaction's answer. */
		latencyMs: integer("latency_ms").notNull(),
		/** Time to the delivered summary, when there is one. */
		timeToResultMs: integer("time_to_result_ms"),
		tokensIn: integer("tokens_in").notNull().default(0),
		tokensOut: integer("tokens_out").notNull().default(0),
		costMicroUsd: integer("cost_micro_usd").notNull().default(0),
		createdAt: time("created_at").notNull(),
	},
	(table) => [index("usage_by_guild_time").on(table.guildId, table.createdAt), index("usage_by_time").on(table.createdAt)],
);

/**
 * A member's 👍 or 👎 on a delivered summary: one row per member and summary, a second click updating it.
 * The summary is the message the buttons are on (discord/buttons.ts says why), so a vote needs no summary
 * row: style and model are the summary's own, for the helpful rate by style and by summarizer.
 */
export const summaryVotes = sqliteTable(
	"summary_votes",
	{
		messageId: text("message_id").notNull(),
		userId: text("user_id").notNull(),
		guildId: text("guild_id").notNull(),
		vote: text("vote", { enum: VOTES }).notNull(),
		style: text("style", { enum: styles }).notNull(),
		/** The model's name, or "extractive". */
		model: text("model").notNull(),
		/** When the summary was delivered (its message id says): retention counts from it, as for the summary's row. */
		summaryAt: time("summary_at").notNull(),
		votedAt: time("voted_at").notNull(),
	},
	(table) => [
		primaryKey({ columns: [table.messageId, table.userId] }),
		index("votes_by_guild_time").on(table.guildId, table.votedAt),
		index("votes_by_time").on(table.votedAt),
	],
);

export const memberOptOuts = sqliteTable(
	"member_opt_outs",
	{
		guildId: text("guild_id").notNull(),
		userId: text("user_id").notNull(),
		createdAt: time("created_at").notNull(),
	},
	(table) => [primaryKey({ columns: [table.guildId, table.userId] })],
);

export const digestSchedules = sqliteTable(
	"digest_schedules",
	{
		guildId: text("guild_id").notNull(),
		channelId: text("channel_id").notNull(),
		cadence: text("cadence", { enum: ["daily", "weekly"] }).notNull(),
		hourUtc: integer("hour_utc").notNull(),
		/** 0 = Sunday; weekly digests only. */
		weekday: integer("weekday"),
		style: text("style", { enum: styles }).notNull(),
		/** The guild's locale when the digest was set up: its language unless the guild sets a default one. */
		locale: text("locale").notNull().default("en-US"),
		enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
		/** Why the bot turned the digest off (a missing permission), shown by /config view. */
		disabledReason: text("disabled_reason"),
		/** When the next period ends and its digest is due; the cron trigger advances it before enqueueing, so a period is claimed once. */
		nextRunAt: time("next_run_at"),
		/** The end of the last period posted: the next digest summarizes from there. */
		lastRunAt: time("last_run_at"),
		createdBy: text("created_by").notNull(),
		createdAt: time("created_at").notNull(),
	},
	(table) => [primaryKey({ columns: [table.guildId, table.channelId] }), index("digests_due").on(table.enabled, table.nextRunAt)],
);

/**
 * LLM tokens spent (and set aside by jobs under way) per UTC day: a guild's under its id, the bot's
 * overall under OVERALL_SCOPE (db/llm-budget.ts). A job's reservation and its settling are single
 * statements, so concurrent consumers can't both take the last of a budget.
 */
export const llmTokens = sqliteTable(
	"llm_tokens",
	{
		scope: text("scope").notNull(),
		/** Days since the epoch, UTC. */
		day: integer("day").notNull(),
		used: integer("used").notNull(),
	},
	(table) => [primaryKey({ columns: [table.scope, table.day] }), index("llm_tokens_by_day").on(table.day)],
);

export type GuildSettings = typeof guildSettings.$inferSelect;
export type SummaryRow = typeof summaries.$inferInsert;
export type UsageEvent = typeof usageEvents.$inferInsert;
export type VoteRow = typeof summaryVotes.$inferInsert;
export type DigestSchedule = typeof digestSchedules.$inferSelect;
