// The part of a guild's settings its Durable Object enforces on every request: rate limits and the
// defaults for what a member didn't choose. D1 holds the settings; /config pushes this part here. Pure.
import type { GuildSettings } from "../db/schema";
import { restyled, type SummaryJob, type Unchosen } from "../domain/job";
import { HOUR_MS, MINUTE_MS } from "../lib/time";
import { type BucketRule, DEFAULT_LIMITS } from "./token-bucket";

export type GuildConfig = Pick<GuildSettings, "guildPerHour" | "userPer10Minutes" | "defaultStyle" | "defaultLanguage"> & {
	/** When the settings were saved (ms): an older push never replaces a newer one. */
	revision: number;
};

export const UNCONFIGURED: GuildConfig = {
	guildPerHour: null,
	userPer10Minutes: null,
	defaultStyle: null,
	defaultLanguage: null,
	revision: 0,
};

const TEN_MINUTES_MS = 10 * MINUTE_MS;
/** The rates DEFAULT_LIMITS allow, as /config shows and sets them. */
export const DEFAULT_RATES = { guildPerHour: 30, userPer10Minutes: 6 } as const;

/** What the guild's Durable Object needs of the settings row D1 holds (none yet: the defaults). */
export function configOf(row: GuildSettings | undefined): GuildConfig {
	if (!row) return UNCONFIGURED;
	const { guildPerHour, userPer10Minutes, defaultStyle, defaultLanguage } = row;
	return { guildPerHour, userPer10Minutes, defaultStyle, defaultLanguage, revision: row.updatedAt.getTime() };
}

/**
 * The token buckets for a guild's limits. A guild's bucket holds a third of its hourly allowance at once
 * and a member's all of theirs, as the defaults do (30 an hour, 10 at once; 6 per 10 minutes).
 */
export function limitsOf(config: GuildConfig): { guild: BucketRule; user: BucketRule } {
	return {
		guild:
			config.guildPerHour === null
				? DEFAULT_LIMITS.guild
				: { capacity: Math.ceil(config.guildPerHour / 3), refillMs: HOUR_MS / config.guildPerHour },
		user:
			config.userPer10Minutes === null
				? DEFAULT_LIMITS.user
				: { capacity: config.userPer10Minutes, refillMs: TEN_MINUTES_MS / config.userPer10Minutes },
	};
}

/** The job with the guild's defaults in place of what the member left open; its key names that summary. */
export function resolveJob(job: SummaryJob, unchosen: Unchosen, config: GuildConfig): SummaryJob {
	return restyled(job, {
		style: unchosen.style && config.defaultStyle ? config.defaultStyle : job.style,
		locale: unchosen.language && config.defaultLanguage ? config.defaultLanguage : job.locale,
	});
}
