// What a member or an admin may ask for: the commands offer these bounds, and every handler checks them again.
import { DAY_S } from "../lib/time.ts"; // .ts: Node loads this for the scripts (interactions/commands.ts)

export const MESSAGES = { min: 2, max: 10_000, default: 100 } as const;
export const MAX_SINCE_SECONDS = 14 * DAY_S;

/**
 * A request is charged against the rate limits by its size: one request per started block of this many
 * messages read, so a 10,000-message job costs what ten 1,000-message ones do (at most a full bucket).
 */
export const MESSAGES_PER_REQUEST = 1000;

/** What a range of `messages` costs against the rate limits. */
export function requestCost(messages: number): number {
	return Math.max(1, Math.ceil(messages / MESSAGES_PER_REQUEST));
}

/** LLM tokens a guild's summaries may spend per UTC day, unless `/config set llm_tokens_per_day` says otherwise. */
export const DEFAULT_DAILY_LLM_TOKENS = 2_000_000;

/** A daily LLM token budget that could not take a job's calls: the summary is made without them. */
export interface SpentBudget {
	/** The bot's budget over all servers (LLM_TOKENS_PER_DAY), rather than this server's. */
	overall: boolean;
	limit: number;
	/** When the budget's day ends (ms, UTC midnight). */
	renewsAt: number;
}

/** What `/config set` accepts. */
export const SETTING_RANGES = {
	/** 0: every summary is extractive. */
	llm_tokens_per_day: { min: 0, max: 1_000_000_000 },
	guild_per_hour: { min: 1, max: 1000 },
	user_per_10_minutes: { min: 1, max: 100 },
	retention_days: { min: 1, max: 365 },
	hour_utc: { min: 0, max: 23 },
} as const;
export const LANGUAGE_MAX_LENGTH = 10;
/** `/config set language:auto`: each member's own language again. */
export const MEMBERS_LANGUAGE = "auto";
