// Parses the `since` option: a duration such as "30m", "6h", "2d", "1w" or "1h30m".

const UNIT_SECONDS: Record<string, number> = {
	m: 60,
	min: 60,
	mins: 60,
	minute: 60,
	minutes: 60,
	h: 3600,
	hr: 3600,
	hrs: 3600,
	hour: 3600,
	hours: 3600,
	d: 86_400,
	day: 86_400,
	days: 86_400,
	w: 604_800,
	week: 604_800,
	weeks: 604_800,
};

const PART = /(\d+)\s*([a-z]+)/gy;

export type DurationResult = { ok: true; seconds: number } | { ok: false; error: string };

/** Accepts one or more `<number><unit>` parts (m, h, d, w), at least one minute and at most `maxSeconds`. */
export function parseDuration(input: string, maxSeconds: number): DurationResult {
	const text = input.trim().toLowerCase().replace(/\s+/g, "");
	const invalid: DurationResult = {
		ok: false,
		error: `\`${input.trim().slice(0, 20)}\` is not a duration. Use a number and a unit, like \`30m\`, \`6h\`, \`2d\` or \`1w\`.`,
	};
	if (text === "") return invalid;
	let seconds = 0;
	PART.lastIndex = 0;
	for (let end = 0; end < text.length; end = PART.lastIndex) {
		const match = PART.exec(text);
		const unit = match && UNIT_SECONDS[match[2]];
		if (!match || !unit) return invalid;
		seconds += Number(match[1]) * unit;
	}
	if (seconds < 60) return { ok: false, error: "`since` must be at least one minute, like `30m`." };
	if (seconds > maxSeconds) {
		return { ok: false, error: `\`since\` can reach back at most ${maxSeconds / 86_400} days, like \`14d\` or \`2w\`.` };
	}
	return { ok: true, seconds };
}
