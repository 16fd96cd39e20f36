// Parses the `since` option: a duration such as "30m", "6h", "2d", "1w" or "1h30m".
import { err, ok, type Result } from "./result";
import { DAY_S, HOUR_S, MINUTE_S, WEEK_S } from "./time";

const UNIT_SECONDS: Record<string, number> = {
	m: MINUTE_S,
	min: MINUTE_S,
	mins: MINUTE_S,
	minute: MINUTE_S,
	minutes: MINUTE_S,
	h: HOUR_S,
	hr: HOUR_S,
	hrs: HOUR_S,
	hour: HOUR_S,
	hours: HOUR_S,
	d: DAY_S,
	day: DAY_S,
	days: DAY_S,
	w: WEEK_S,
	week: WEEK_S,
	weeks: WEEK_S,
};

const PART = /(\d+)\s*([a-z]+)/gy;

/** Accepts one or more `<number><unit>` parts (m, h, d, w), at least one minute and at most `maxSeconds`; the value is in seconds. */
export function parseDuration(input: string, maxSeconds: number): Result<number> {
	const text = input.trim().toLowerCase().replace(/\s+/g, "");
	const invalid = err(
		`\`${input.trim().slice(0, 20)}\` is not a duration. Use a number and a unit, like \`30m\`, \`6h\`, \`2d\` or \`1w\`.`,
	);
	if (text === "") return invalid;
	let seconds = 0;
	PART.lastIndex = 0;
	for (let end = 0; end < text.length; end = PART.lastIndex) {
		const match = PART.exec(text);
		const unit = match && UNIT_SECONDS[match[2]];
		if (!match || !unit) return invalid;
		seconds += Number(match[1]) * unit;
	}
	if (seconds < MINUTE_S) return err("`since` must be at least one minute, like `30m`.");
	if (seconds > maxSeconds) return err(`\`since\` can reach back at most ${maxSeconds / DAY_S} days, like \`14d\` or \`2w\`.`);
	return ok(seconds);
}
