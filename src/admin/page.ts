// The operator's pages: the login form and the dashboard, as complete HTML documents. No script at
// all; the one stylesheet is inline under a per-response nonce, and the Content-Security-Policy
// allows nothing else, so the page can load nothing from anywhere.
import { OUTCOMES } from "../db/schema";
import { thousands } from "../lib/numbers";
import { formatCost } from "../metrics/cost";
import { budgetShare } from "../metrics/stats";
import { barChart, type ChartSpec, dataTable, lineChart } from "./charts";
import { escapeHtml } from "./html";
import type { Metrics, Outcome } from "./metrics";
import type { VoteBreakdown, VoteMetrics, VoteTally } from "./votes";

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;color:#24292f;margin:0 auto;max-width:760px;padding:16px}
h1{font-size:20px}h2{font-size:16px;margin:28px 0 8px}nav .periods a{margin-right:8px}nav a[aria-current]{font-weight:700}
dl{display:grid;grid-template-columns:repeat(3,1fr);gap:8px}dl div{border:1px solid #d0d7de;border-radius:6px;padding:8px}
dt{color:#57606a;font-size:12px}dd{margin:0;font-size:18px;font-weight:600}.chart{width:100%;height:auto}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}.error{color:#cf222e}.note{color:#57606a;font-size:12px}
header{display:flex;justify-content:space-between;align-items:center}form.inline{display:inline}`;

const OUTCOME_COLORS: Record<Outcome, string> = {
	delivered: "#009e73",
	cached: "#56b4e9",
	joined: "#0072b2",
	rate_limited: "#e69f00",
	refused: "#cc79a7",
	failed: "#d55e00",
	expired: "#999999",
	confirm: "#f0e442",
};

export const PERIODS = ["24h", "7d", "30d", "90d"] as const;

/** An HTML response that may load nothing: the nonce admits the one inline stylesheet. */
export function htmlResponse(render: (nonce: string) => string, status = 200, headers: Record<string, string> = {}): Response {
	const nonce = crypto.randomUUID().replaceAll("-", "");
	return new Response(render(nonce), {
		status,
		headers: {
			"content-type": "text/html;charset=UTF-8",
			"content-security-policy": `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
			"x-content-type-options": "nosniff",
			"referrer-policy": "no-referrer",
			"cache-control": "no-store",
			...headers,
		},
	});
}

function document(nonce: string, title: string, body: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style></head><body>${body}</body></html>`;
}

export function loginPage(nonce: string, error?: string): string {
	const message = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : "";
	return document(
		nonce,
		"Summary Bot — sign in",
		`<main><h1>Summary Bot — operator's view</h1>${message}<form method="post" action="/admin/login"><p><label for="token">Admin token</label><br><input id="token" name="token" type="password" autocomplete="current-password" required size="40"></p><p><button type="submit">Sign in</button></p></form><p class="note">The token is the Worker's <code>ADMIN_TOKEN</code> secret.</p></main>`,
	);
}

const percent = (value: number) => `${Math.round(value * 100)}%`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const usd = (micro: number) => formatCost(micro, 0);

function sum<T>(rows: readonly T[], value: (row: T) => number): number {
	return rows.reduce((total, row) => total + value(row), 0);
}

function chart(spec: ChartSpec, kind: "bar" | "line", heading: string): string {
	return `<section aria-labelledby="${spec.id}-heading"><h2 id="${spec.id}-heading">${escapeHtml(heading)}</h2>${kind === "bar" ? barChart(spec) : lineChart(spec)}${dataTable(spec)}</section>`;
}

function charts(metrics: Metrics): string {
	const labels = metrics.days.map((day) => day.day);
	const range = `from ${labels[0]} to ${labels.at(-1)} (UTC days)`;
	const days = metrics.days;
	return [
		chart(
			{
				id: "requests",
				title: "Requests per day by outcome",
				description: `Stacked bars of requests per day, ${range}.`,
				labels,
				format: thousands,
				series: OUTCOMES.map((outcome) => ({
					name: outcome,
					color: OUTCOME_COLORS[outcome],
					values: days.map((day) => day.outcomes[outcome]),
				})),
			},
			"bar",
			"Requests and outcomes",
		),
		chart(
			{
				id: "latency",
				title: "Time to result per day, p50 and p95",
				description: `Lines of the median and 95th percentile time from request to delivered summary, ${range}.`,
				labels,
				format: seconds,
				series: [
					{ name: "p50", color: "#0072b2", values: days.map((day) => day.p50Ms) },
					{ name: "p95", color: "#d55e00", values: days.map((day) => day.p95Ms) },
				],
			},
			"line",
			"Time to result",
		),
		chart(
			{
				id: "cache",
				title: "Cache hit rate per day",
				description: `Share of answered requests served from the cache or a shared job, ${range}.`,
				labels,
				format: percent,
				max: 1,
				series: [{ name: "cache and shared jobs", color: "#56b4e9", values: days.map((day) => day.cacheHitRate) }],
			},
			"line",
			"Cache hit rate",
		),
		chart(
			{
				id: "tokens",
				title: "LLM tokens per day",
				description: `Stacked bars of input and output tokens per day, ${range}.`,
				labels,
				format: thousands,
				series: [
					{ name: "tokens in", color: "#0072b2", values: days.map((day) => day.tokensIn) },
					{ name: "tokens out", color: "#e69f00", values: days.map((day) => day.tokensOut) },
				],
			},
			"bar",
			"Tokens",
		),
		chart(
			{
				id: "cost",
				title: "Estimated cost per day, USD",
				description: `Bars of the estimated LLM cost per day, ${range}; tokens of models without a known price are not included.`,
				labels,
				format: usd,
				series: [{ name: "estimated cost", color: "#009e73", values: days.map((day) => day.costMicroUsd) }],
			},
			"bar",
			"Estimated cost",
		),
	].join("");
}

/** Colours for the series of the helpful-rate charts: all votes first, then each style or summarizer. */
const VOTE_COLORS = ["#24292f", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999"];

/** Helpful rate per day, all votes and one line for each style (or summarizer) that got any in the period. */
function voteChart(votes: VoteMetrics, by: "byStyle" | "bySummarizer", name: string): string {
	const labels = votes.days.map((day) => day.day);
	const rate = (pick: (day: VoteBreakdown) => VoteTally | undefined) => votes.days.map((day) => pick(day)?.helpfulRate ?? null);
	const groups = Object.keys(votes[by]);
	return chart(
		{
			id: `helpful-${by === "byStyle" ? "style" : "summarizer"}`,
			title: `Helpful rate per day by ${name}`,
			description: `Lines of the share of 👍 among the day's votes on summaries, all of them and by ${name}, from ${labels[0]} to ${labels.at(-1)} (UTC days).`,
			labels,
			format: percent,
			max: 1,
			series: [
				{ name: "all votes", color: VOTE_COLORS[0], values: rate((day) => day) },
				...groups.map((group, i) => ({
					name: group,
					color: VOTE_COLORS[1 + (i % (VOTE_COLORS.length - 1))],
					values: rate((day) => day[by][group]),
				})),
			],
		},
		"line",
		`Helpful rate by ${name}`,
	);
}

function guildTable(metrics: Metrics): string {
	if (!metrics.topGuilds.length) return "<p>No requests in this period.</p>";
	const rows = metrics.topGuilds.map(
		(guild) =>
			`<tr><td>${escapeHtml(guild.guildId)}</td><td>${thousands(guild.requests)}</td><td>${thousands(guild.delivered)}</td><td>${thousands(guild.tokensIn + guild.tokensOut)}</td><td>${escapeHtml(formatCost(guild.costMicroUsd, guild.unpricedTokens))}</td></tr>`,
	);
	return `<table id="top-guilds"><caption class="note">By requests in the period</caption><thead><tr><th scope="col">Guild</th><th scope="col">Requests</th><th scope="col">Summaries</th><th scope="col">Tokens</th><th scope="col">Estimated cost</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function budgetTable(metrics: Metrics): string {
	const { overall, guilds } = metrics.budgets;
	const share = (used: number, limit: number) => percent(budgetShare(used, limit));
	const overallText =
		overall.limit === null
			? `${thousands(overall.used)} tokens; no overall budget (LLM_TOKENS_PER_DAY is unset).`
			: `${thousands(overall.used)} of ${thousands(overall.limit)} tokens (${share(overall.used, overall.limit)}).`;
	const rows = guilds.map(
		(guild) =>
			`<tr><td>${escapeHtml(guild.guildId)}</td><td>${thousands(guild.used)}</td><td>${thousands(guild.limit)}</td><td>${share(guild.used, guild.limit)}</td></tr>`,
	);
	const table = rows.length
		? `<table id="budgets"><caption class="note">Guilds by tokens today; past its budget a guild's summaries are extractive</caption><thead><tr><th scope="col">Guild</th><th scope="col">Tokens</th><th scope="col">Budget</th><th scope="col">Used</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
		: "<p>No LLM tokens spent today.</p>";
	return `<p id="overall-budget">All servers: ${escapeHtml(overallText)}</p>${table}`;
}

export function dashboardPage(nonce: string, metrics: Metrics, period: string): string {
	const days = metrics.days;
	const outcomes = (outcome: Outcome) => sum(days, (day) => day.outcomes[outcome]);
	const saved = outcomes("cached") + outcomes("joined");
	const answered = saved + outcomes("delivered");
	const cards: [string, string][] = [
		["Requests", thousands(sum(days, (day) => day.requests))],
		["Summaries made", thousands(outcomes("delivered"))],
		["Cache hit rate", answered ? percent(saved / answered) : "—"],
		["Tokens", thousands(sum(days, (day) => day.tokensIn + day.tokensOut))],
		[
			"Estimated cost",
			formatCost(
				sum(days, (day) => day.costMicroUsd),
				sum(days, (day) => day.unpricedTokens),
			),
		],
		["Failed or expired", thousands(outcomes("failed") + outcomes("expired"))],
	];
	const query = (extra: string) => `/admin/metrics?since=${encodeURIComponent(period)}${extra}`;
	const nav = PERIODS.map(
		(option) => `<a href="/admin?since=${option}"${option === period ? ' aria-current="page"' : ""}>${option}</a>`,
	).join("");
	return document(
		nonce,
		"Summary Bot — operator's view",
		`<header><h1>Summary Bot — operator's view</h1><form class="inline" method="post" action="/admin/logout"><button type="submit">Sign out</button></form></header>
<nav aria-label="Period">Period: <span class="periods">${nav}</span> · Download <a href="${escapeHtml(query("&format=csv"))}">CSV by day</a>, <a href="${escapeHtml(query("&format=csv&table=guilds"))}">CSV by guild</a>, <a href="${escapeHtml(query("&format=json"))}">JSON</a></nav>
<p class="note">Since ${escapeHtml(metrics.since)} until ${escapeHtml(metrics.until)}, from D1's usage events.</p>
<dl>${cards.map(([name, value]) => `<div><dt>${name}</dt><dd>${escapeHtml(value)}</dd></div>`).join("")}</dl>
<main>${charts(metrics)}${voteChart(metrics.votes, "byStyle", "style")}${voteChart(metrics.votes, "bySummarizer", "summarizer")}<section aria-labelledby="guilds-heading"><h2 id="guilds-heading">Top guilds</h2>${guildTable(metrics)}</section>
<section aria-labelledby="budgets-heading"><h2 id="budgets-heading">LLM budgets today (${escapeHtml(metrics.budgets.day)}, UTC)</h2>${budgetTable(metrics)}</section>
<p class="note">Cost is estimated from token counts and list prices of known models; "—" means the model's price is unknown, "≥" that some tokens were not priced.</p></main>`,
	);
}
