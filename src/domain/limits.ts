// What a member or an admin may ask for: the commands offer these bounds, and every handler checks them again.
import { DAY_S } from "../lib/time.ts"; // .ts: Node loads this for the scripts (interactions/commands.ts)

export const MESSAGES = { min: 2, max: 10_000, default: 100 } as const;
export const MAX_SINCE_SECONDS = 14 * DAY_S;

/** What `/config set` accepts. */
export const SETTING_RANGES = {
	guild_per_hour: { min: 1, max: 1000 },
	user_per_10_minutes: { min: 1, max: 100 },
	retention_days: { min: 1, max: 365 },
	hour_utc: { min: 0, max: 23 },
} as const;
export const LANGUAGE_MAX_LENGTH = 10;
/** `/config set language:auto`: each member's own language again. */
export const MEMBERS_LANGUAGE = "auto";
