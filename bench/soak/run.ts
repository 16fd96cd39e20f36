// `npm run test:soak`: the load and fault suite, on loopback against `wrangler dev` (the whole bot, with the
// Discord emulator and the OpenAI stand-in as its LLM), bounded in time. Not part of `npm test`.
//   1. burst: 1,000 concurrent /summarize from one guild; exactly the guild's burst is admitted, the rest
//      told to wait, no 5xx, and five other guilds asking meanwhile are admitted and served. Latencies are
//      reported with those of PINGs sent in the same burst: on one machine, the runtime's share of the wait.
//   2. mixed: SOAK_MINUTES (10) of steady traffic from 100 guilds (PING, /summarize, /help, /privacy,
//      /stats, /summaries) while messages arrive; no 5xx, every deferred interaction answered exactly
//      once, and the resident memory of the workerd that runs the app (Worker, Durable Objects, Queue, D1)
//      grows by at most SOAK_RSS_GROWTH_MIB (64) over the second half of the phase (sampled from /proc every
//      5 s). The first half is warm-up (caches, Durable Objects and SQLite pages filling to their working
//      size), reported but not judged: a heap filling up levels off, a leak keeps climbing. wrangler's own
//      proxy workerd, which production doesn't have, is reported apart: on 2026-12-02 it grew ~17 MiB a
//      minute for 14 minutes of this traffic, then levelled off at ~345 MiB.
//   3. faults, each for SOAK_FAULT_SECONDS (60) of traffic and then until every job has an answer: Discord
//      answering 403 on one channel, 5xx, 429 with a 45 s retry_after; the LLM answering 429, 500, or hanging.
//   4. a guild's Durable Object evicted mid-burst: under vitest (test/soak/), the only place a running
//      object can be evicted.
// Prints a JSON line per phase, then a table; exits non-zero when something that must hold did not.
// SOAK_ONLY=burst,llm-hang,… runs some phases (names as in the table); SOAK_VERBOSE=1 shows wrangler's log.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_LIMITS } from "../../src/guild/token-bucket.ts";
import { random } from "../../test/stand-ins/discord-messages.ts";
import { type CountingLlm, FAKE_OPENAI_KEY, serveCountingLlm } from "../counting-llm.ts";
import { type Bot, ping, ROOT, report, startBot } from "../harness.ts";
import { workerdRssMiB } from "../proc.ts";
import { table } from "../table.ts";
import { type Guild, Ledger, mixedInteraction, newMessage, seedGuilds, steady, summarizeIn, where } from "./world.ts";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const RSS_GROWTH_MIB = Number(process.env.SOAK_RSS_GROWTH_MIB ?? 64);
const FAULT_SECONDS = Number(process.env.SOAK_FAULT_SECONDS ?? 60);
const MIXED_PER_SECOND = 10;
/** Long enough for a job's queue retries (10 s … 80 s apart) and for LLM calls that hang 30 s, three times. */
const DRAIN_MS = 8 * 60_000;
/** The LLM breaker stays open a minute after repeated failures (src/summarizer/summarize.ts): phases after an LLM fault wait it out. */
const BREAKER_MS = 65_000;

type Result = Record<string, unknown> & { phase: string; failed: string[] };
const results: Result[] = [];
const rss: { at: number; app: number; proxy: number }[] = [];

function record(phase: string, fields: Record<string, unknown>, musts: Record<string, boolean>): void {
	const failed = Object.entries(musts)
		.filter(([, ok]) => !ok)
		.map(([name]) => name);
	report(`soak:${phase}`, { ...fields, must_hold: musts, ok: failed.length === 0 });
	results.push({ phase, ...fields, failed });
}

const noLoss = (counts: { lost: number; duplicated: number; http_5xx: number }) => ({
	"lost = 0": counts.lost === 0,
	"duplicated = 0": counts.duplicated === 0,
	"no 5xx": counts.http_5xx === 0,
});

async function burstPhase(bot: Bot): Promise<void> {
	const [target] = await seedGuilds(bot, 1, 10);
	const others = await seedGuilds(bot, 5, 1);
	const burst = new Ledger();
	const bystanders = new Ledger();
	// PINGs in the same burst touch no Durable Object: what the local runtime alone makes everyone wait.
	const pings = new Ledger();
	// Each its own summary (a channel and a count) and member: only the guild's limit can refuse them.
	const requests = Array.from(
		{ length: 1000 },
		(_, i) => () => burst.send(bot, summarizeIn(where(target, target.channels[i % 10]), { messages: 2 + Math.floor(i / 10) }), true),
	);
	const meanwhile = others.flatMap((guild) =>
		([{}, { messages: 50 }] as Record<string, number>[]).map(
			(options) => () => bystanders.send(bot, summarizeIn(where(guild, guild.channels[0]), options), true),
		),
	);
	requests.splice(500, 0, ...meanwhile, ...Array.from({ length: 10 }, () => () => pings.send(bot, ping(), false)));
	await Promise.all(requests.map((request) => request()));
	const [counts, other] = await Promise.all([burst.settle(bot, DRAIN_MS), bystanders.settle(bot, DRAIN_MS)]);
	const capacity = DEFAULT_LIMITS.guild.capacity;
	record(
		"burst",
		{ ...counts, other_guilds: other, pings_in_burst: pings.latency() },
		{
			[`admitted = ${capacity}`]: counts.admitted === capacity,
			[`rate-limited = ${1000 - capacity}`]: counts.denied === 1000 - capacity,
			...noLoss(counts),
			"other guilds admitted and served once":
				other.admitted === meanwhile.length && other.delivered === meanwhile.length && other.duplicated === 0 && other.http_5xx === 0,
		},
	);
}

async function mixedPhase(bot: Bot): Promise<void> {
	const guilds = await seedGuilds(bot, 100, 3);
	const ledger = new Ledger();
	const next = random(42);
	const channels = guilds.flatMap((guild) => guild.channels);
	const started = Date.now();
	await Promise.all([
		steady(MIXED_PER_SECOND, MINUTES * 60, async () => {
			const { interaction, summarize } = mixedInteraction(guilds, next);
			await ledger.send(bot, interaction, summarize);
		}),
		// Two new messages a second somewhere, so that summaries keep changing.
		steady(2, MINUTES * 60, () => newMessage(bot, channels[Math.floor(next() ** 2 * channels.length)])),
	]);
	const ended = Date.now();
	const counts = await ledger.settle(bot, DRAIN_MS);
	const memory = memoryOver(started, ended);
	record(
		"mixed",
		{ minutes: MINUTES, guilds: guilds.length, per_second: MIXED_PER_SECOND, ...counts, ...memory, rss_growth_bound_mib: RSS_GROWTH_MIB },
		{
			...noLoss(counts),
			[`app workerd RSS growth over the second half ≤ ${RSS_GROWTH_MIB} MiB`]: memory.app_rss_growth_mib <= RSS_GROWTH_MIB,
		},
	);
}

/** The samples of one phase: the app's warm-up and later growth, and the proxy's growth per minute. */
function memoryOver(started: number, ended: number) {
	const tenth = (ended - started) / 10;
	const median = (process: "app" | "proxy", from: number, to: number) => {
		const values = rss
			.filter((sample) => sample.at >= from && sample.at < to)
			.map((sample) => sample[process])
			.sort((a, b) => a - b);
		return values[Math.floor(values.length / 2)] ?? Number.NaN;
	};
	const round = (mib: number) => Number(mib.toFixed(1));
	const [start, middle, late] = [started, started + 5 * tenth, ended - tenth].map((from) => median("app", from, from + tenth));
	const byMinute = (process: "app" | "proxy") =>
		Array.from({ length: MINUTES }, (_, minute) => median(process, started + minute * 60_000, started + (minute + 1) * 60_000));
	return {
		app_rss_mib_start: start,
		app_rss_mib_late: late,
		app_rss_mib_by_minute: byMinute("app"),
		app_rss_warm_up_growth_mib: round(middle - start),
		app_rss_growth_mib: round(late - middle),
		proxy_rss_mib_by_minute: byMinute("proxy"),
		proxy_rss_growth_mib_per_minute: round(
			(median("proxy", ended - tenth, ended) - median("proxy", started, started + tenth)) / (0.9 * MINUTES),
		),
	};
}

interface Fault {
	name: string;
	describe: string;
	inject(bot: Bot, guilds: Guild[]): Promise<void>;
	clear(bot: Bot): Promise<void>;
	/** An LLM fault: the next phase waits for the LLM's breaker to close. */
	llm?: boolean;
}

async function emulatorFault(bot: Bot, fault: { path: string; status: number; times: number; retryAfter?: number }): Promise<void> {
	await fetch(`${bot.emulator}/__emulator/faults`, { method: "POST", body: JSON.stringify(fault) });
}
const clearEmulator = async (bot: Bot) => void (await fetch(`${bot.emulator}/__emulator/faults`, { method: "DELETE" }));

async function faultPhase(bot: Bot, llm: CountingLlm, fault: Fault): Promise<void> {
	const guilds = await seedGuilds(bot, 20, 2);
	const ledger = new Ledger();
	const next = random(fault.name.length);
	const before = llm.counts();
	await fault.inject(bot, guilds);
	// One /summarize a second, each of its own range, from 20 guilds (within their limits); every tenth reads
	// the first guild's first channel, where the faults that hit one channel are.
	await steady(1, FAULT_SECONDS, async (i) => {
		const guild = i % 10 === 0 ? guilds[0] : guilds[1 + (i % (guilds.length - 1))];
		const channel = i % 10 === 0 ? guild.channels[0] : guild.channels[Math.floor(next() * guild.channels.length)];
		await ledger.send(bot, summarizeIn(where(guild, channel), { messages: 20 + Math.floor(next() * 280) }), true);
	});
	const counts = await ledger.settle(bot, DRAIN_MS);
	await fault.clear(bot);
	const clearedAt = Date.now();
	const after = llm.counts();
	record(
		`fault:${fault.name}`,
		{ fault: fault.describe, ...counts, llm_calls: after.calls - before.calls, llm_calls_failed: after.failed - before.failed },
		{
			...noLoss(counts),
			"every job answered": counts.delivered + counts.told_user === counts.admitted,
		},
	);
	if (fault.llm) await sleep(Math.max(0, clearedAt + BREAKER_MS - Date.now()));
}

function faults(llm: CountingLlm): Fault[] {
	const llmFault = (name: string, kind: string, times: number, describe: string): Fault => ({
		name,
		describe,
		llm: true,
		inject: () => llm.fault({ kind, times }),
		clear: () => llm.clearFaults(),
	});
	return [
		{
			name: "discord-403-one-channel",
			describe: "Discord answers 403 Missing Access for one channel's messages",
			inject: (bot, guilds) =>
				emulatorFault(bot, { path: `/channels/${guilds[0].channels[0].id}/messages`, status: 403, times: 1_000_000 }),
			clear: clearEmulator,
		},
		{
			name: "discord-5xx",
			describe: "Discord answers 502 to every read of one channel's messages, to 40 other reads, and 500 to 10 webhook edits",
			inject: async (bot, guilds) => {
				await emulatorFault(bot, { path: `/channels/${guilds[0].channels[0].id}/messages`, status: 502, times: 1_000_000 });
				await emulatorFault(bot, { path: "/channels/", status: 502, times: 40 });
				await emulatorFault(bot, { path: "/webhooks/", status: 500, times: 10 });
			},
			clear: clearEmulator,
		},
		{
			name: "discord-429-long",
			// The REST client waits out up to 60 s; a longer wait fails the attempt, and the queue retries it later.
			describe: "Discord answers 429 to 10 reads of messages: 5 with retry_after 45 s, then 5 with 90 s",
			inject: async (bot) => {
				await emulatorFault(bot, { path: "/channels/", status: 429, times: 5, retryAfter: 45 });
				await emulatorFault(bot, { path: "/channels/", status: 429, times: 5, retryAfter: 90 });
			},
			clear: clearEmulator,
		},
		llmFault("llm-429", "rate_limit", 40, "the LLM answers 429 to 40 calls"),
		llmFault("llm-500", "server_error", 40, "the LLM answers 500 to 40 calls"),
		llmFault("llm-hang", "timeout", 12, "the LLM hangs (30 s, then drops the connection) on 12 calls"),
	];
}

/** The eviction phase: vitest in workerd; its JSON lines join ours. */
function evictionPhase(): Promise<void> {
	return new Promise((resolve, reject) => {
		const vitest = spawn(join(ROOT, "node_modules/.bin/vitest"), ["run", "--config", "bench/soak/vitest.config.ts"], {
			cwd: ROOT,
			env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
			stdio: ["ignore", "pipe", "inherit"],
		});
		let output = "";
		vitest.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
		vitest.on("error", reject);
		vitest.on("exit", (code) => {
			const lines = output.split("\n").flatMap((line) => (line.includes('{"bench":"soak:') ? [line.slice(line.indexOf("{"))] : []));
			for (const line of lines) {
				const {
					bench,
					date: _,
					...fields
				} = JSON.parse(line) as { bench: string; date: string; lost: number; duplicated: number; http_5xx: number };
				record(bench.replace(/^soak:/, ""), fields, { ...noLoss(fields), "vitest assertions": code === 0 });
			}
			if (code !== 0) console.error(output);
			if (!lines.length) results.push({ phase: "do-eviction", failed: [`vitest exited ${code} without results`] });
			resolve();
		});
	});
}

const llm = await serveCountingLlm();
const bot = await startBot({ openaiApiKey: FAKE_OPENAI_KEY, openaiBaseUrl: `${llm.url}/v1`, quiet: !process.env.SOAK_VERBOSE });
const stop = () => Promise.all([bot.stop(), llm.close()]);
process.on("SIGINT", () => void stop().finally(() => process.exit(130)));
const sampler = setInterval(() => rss.push({ at: Date.now(), ...workerdRssMiB(bot.wrangler.pid!, bot.port) }), 5000);
const only = process.env.SOAK_ONLY?.split(",");
const chosen = (phase: string) => !only || only.includes(phase);
try {
	if (chosen("burst")) await burstPhase(bot);
	if (chosen("mixed")) await mixedPhase(bot);
	for (const fault of faults(llm)) if (chosen(fault.name)) await faultPhase(bot, llm, fault);
} finally {
	clearInterval(sampler);
	await stop();
}
if (chosen("do-eviction")) await evictionPhase();

const column = (result: Result, key: string) => (typeof result[key] === "number" ? (result[key] as number) : "");
console.log(
	`\n${table(
		["phase", "admitted", "delivered", "by fallback", "told user", "lost", "duplicated", "5xx", "must-holds"],
		results.map((result) => [
			result.phase,
			column(result, "admitted"),
			column(result, "delivered"),
			column(result, "by_fallback"),
			column(result, "told_user"),
			column(result, "lost"),
			column(result, "duplicated"),
			column(result, "http_5xx"),
			result.failed.length ? `FAILED: ${result.failed.join("; ")}` : "ok",
		]),
	)}`,
);
if (results.some((result) => result.failed.length)) process.exitCode = 1;
