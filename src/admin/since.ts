// The `since` parameter of /admin and /admin/metrics: an ISO date or time, or a duration back from
// now, reaching back no further than usage events are kept.
import { USAGE_RETENTION_DAYS } from "../db/retention";
import { parseDuration } from "../lib/duration";
import { HttpError } from "../lib/http-error";
import { DAY_MS, DAY_S, SECOND_MS } from "../lib/time";

export const DEFAULT_SINCE = "7d";
const MAX_SECONDS = USAGE_RETENTION_DAYS * DAY_S;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function fail(input: string): never {
	throw new HttpError(
		400,
		`since=${input.slice(0, 40)} is neither an ISO date or time (2026-11-01, 2026-11-01T12:00Z) nor a duration (24h, 7d)`,
	);
}

/** The time an ISO date or date-time stands for; a time without a zone is UTC. */
function isoTime(input: string, match: RegExpExecArray): number {
	const [, year, month, day, hour, minute, second, zone] = match;
	const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
	// Date.UTC rolls 2026-02-30 over to March: a date that does not exist is an error, not another day.
	if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) fail(input);
	if (hour === undefined) return date.getTime();
	if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) fail(input);
	const time = Date.parse(zone ? input : `${input}Z`);
	return Number.isNaN(time) ? fail(input) : time;
}

/** The start of the period `input` asks for (default: the last 7 days); 400 for anything else. */
export function parseSince(input: string | null, now: number): Date {
	const text = (input ?? "").trim() || DEFAULT_SINCE;
	const iso = ISO.exec(text);
	if (!iso) {
		const duration = parseDuration(text, MAX_SECONDS);
		if (!duration.ok) {
			if (/^\d/.test(text) && /[a-z]$/i.test(text)) throw new HttpError(400, duration.error.replaceAll("`", ""));
			fail(text);
		}
		return new Date(now - duration.value * SECOND_MS);
	}
	const since = isoTime(text, iso);
	if (since > now) throw new HttpError(400, "since must not be in the future");
	if (since < now - USAGE_RETENTION_DAYS * DAY_MS) {
		throw new HttpError(400, `since can reach back at most ${USAGE_RETENTION_DAYS} days: usage events are kept that long`);
	}
	return new Date(since);
}
