// /admin/metrics as CSV (RFC 4180: CRLF line ends, a header row, fields with a comma, quote or line
// break quoted, quotes doubled): one row per day, or per top guild.
import { OUTCOMES } from "../db/schema";
import type { Metrics } from "./metrics";

export type Cell = string | number | null;

function field(value: Cell): string {
	const text = value === null ? "" : String(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
	return [header, ...rows].map((row) => `${row.map(field).join(",")}\r\n`).join("");
}

export const CSV_TABLES = ["days", "guilds"] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));

export function metricsCsv(metrics: Metrics, table: CsvTable): string {
	const tokens = ["tokens_in", "tokens_out", "cost_micro_usd", "unpriced_tokens"];
	if (table === "guilds") {
		return toCsv(
			["guild_id", "requests", "delivered", ...tokens],
			metrics.topGuilds.map((guild) => [
				guild.guildId,
				guild.requests,
				guild.delivered,
				guild.tokensIn,
				guild.tokensOut,
				guild.costMicroUsd,
				guild.unpricedTokens,
			]),
		);
	}
	return toCsv(
		["day", "requests", ...OUTCOMES, "cache_hit_rate", "p50_ms", "p95_ms", ...tokens],
		metrics.days.map((day) => [
			day.day,
			day.requests,
			...OUTCOMES.map((outcome) => day.outcomes[outcome]),
			round(day.cacheHitRate, 4),
			day.p50Ms,
			day.p95Ms,
			day.tokensIn,
			day.tokensOut,
			day.costMicroUsd,
			day.unpricedTokens,
		]),
	);
}
