// The scale simulation, inside workerd (npm run bench:scale runs it): consumer isolates' REST clients, with the
// real coordinator Durable Object or each on its own, reading history from the Discord emulator with Discord's
// global limit (50 requests a sliding second), per-route buckets and the invalid-request ban enforced. Real
// time, no scaled clock: each scenario runs SECONDS and counts what the emulator saw.
//
// Demand is closed-loop, as queue consumers are: a reader sends its next page when the last is answered, and
// an answer takes LATENCY_MS, so a reader would send 1,000 / LATENCY_MS requests a second if nothing held it.
// k× demand is enough readers to send k × 50 a second: half read for one large guild (10,000-message jobs on
// LARGE_CHANNELS channels, 100 pages each), half run small jobs (2 pages) for one of SMALL_GUILDS guilds at
// random, one after another. Readers are spread over ISOLATES REST clients, each an isolate's. A small job that
// fails is tried again a second later, as the queue would retry it, and its wait counts until it succeeds.
import { env } from "cloudflare:workers";
import { it } from "vitest";
import { coordinatorOf } from "../../src/discord/coordinator";
import { DiscordRest } from "../../src/discord/rest";
import { realSleep } from "../../src/lib/retry";
import { percentile } from "../../src/metrics/percentile";
import type { LimitStats } from "../../test/stand-ins/discord-limits";
import { random } from "../../test/stand-ins/discord-messages";

const EMULATOR = "http://discord.test/__emulator";
const SECONDS = 20;
const LATENCY_MS = 100;
const ISOLATES = 16;
const LARGE_CHANNELS = 8;
const SMALL_GUILDS = 100;
const SMALL_PAGES = 2;
/** Discord's limits, as the emulator enforces them: the global limit, a bucket per channel, and the ban. */
const LIMITS = {
	global: { limit: 50, windowMs: 1000 },
	ban: { invalid: 10_000, windowMs: 600_000, banMs: 3_600_000 },
	latencyMs: LATENCY_MS,
};
const CHANNEL_BUCKET = { limit: 10, windowMs: 1000 };
/** A job that fails waits this long before its next try (a large one: before the next job), as a queue retry would. */
const FAILED_JOB_PAUSE_MS = 1000;

interface Tally {
	smallWaitsMs: number[];
	largePages: number;
	failedJobs: number;
}

async function seed(): Promise<{ large: string[]; small: string[] }> {
	const channel = async (id: string, count: number, seedValue: number) => {
		const response = await fetch(`${EMULATOR}/channels`, {
			method: "POST",
			body: JSON.stringify({ id, generate: { count, seed: seedValue }, rateLimit: CHANNEL_BUCKET }),
		});
		if (!response.ok) throw new Error(`seeding failed: ${response.status}`);
	};
	const base = 1_500_000_000_000_000_000n;
	const large = Array.from({ length: LARGE_CHANNELS }, (_, i) => String(base + BigInt(i)));
	const small = Array.from({ length: SMALL_GUILDS }, (_, i) => String(base + 1000n + BigInt(i)));
	for (const [i, id] of large.entries()) await channel(id, 10_000, i + 1);
	for (const [i, id] of small.entries()) await channel(id, SMALL_PAGES * 100, 100 + i);
	return { large, small };
}

/** Pages of a channel, newest first, until `pages` are read, the channel ends or the run does; false when a request failed. */
async function readPages(
	client: DiscordRest,
	guild: string,
	channelId: string,
	pages: number,
	stopAt: number,
	onPage: () => void,
): Promise<boolean> {
	let before = "";
	for (let page = 0; page < pages && Date.now() < stopAt; page++) {
		try {
			const messages = await client.get<{ id: string }[]>(`/channels/${channelId}/messages?limit=100${before}`, { guild });
			onPage();
			const oldest = messages.at(-1)?.id;
			if (!oldest) return true;
			before = `&before=${oldest}`;
		} catch {
			return false;
		}
	}
	return true;
}

async function scenario(demand: number, coordinated: boolean, channels: { large: string[]; small: string[] }) {
	await fetch(`${EMULATOR}/limits`, { method: "POST", body: JSON.stringify(LIMITS) });
	const name = `scale-${demand}x-${Date.now()}`;
	const isolates = Array.from(
		{ length: ISOLATES },
		() =>
			new DiscordRest({
				base: env.DISCORD_API_BASE,
				token: env.DISCORD_BOT_TOKEN,
				coordinator: coordinated ? coordinatorOf(env, name) : undefined,
			}),
	);
	const readers = Math.round((demand * LIMITS.global.limit * LATENCY_MS) / 1000);
	const largeReaders = Math.floor(readers / 2);
	const tally: Tally = { smallWaitsMs: [], largePages: 0, failedJobs: 0 };
	const started = Date.now();
	const stopAt = started + SECONDS * 1000;
	const draw = random(demand);
	const work = Array.from({ length: readers }, async (_, reader) => {
		const client = isolates[reader % ISOLATES];
		while (Date.now() < stopAt) {
			if (reader < largeReaders) {
				const ok = await readPages(client, "large", channels.large[reader % LARGE_CHANNELS], 100, stopAt, () => tally.largePages++);
				if (!ok) {
					tally.failedJobs++;
					await realSleep(FAILED_JOB_PAUSE_MS);
				}
				continue;
			}
			// A failed job is tried again, as the queue would: its wait runs until it succeeds.
			const guild = Math.floor(draw() * SMALL_GUILDS);
			const jobStarted = Date.now();
			for (;;) {
				if (await readPages(client, `small-${guild}`, channels.small[guild], SMALL_PAGES, Number.POSITIVE_INFINITY, () => undefined)) {
					tally.smallWaitsMs.push(Date.now() - jobStarted - SMALL_PAGES * LATENCY_MS);
					break;
				}
				tally.failedJobs++;
				if (Date.now() >= stopAt) break;
				await realSleep(FAILED_JOB_PAUSE_MS);
			}
		}
	});
	await Promise.all(work);
	await Promise.all(isolates.map((client) => client.flush()));
	const stats = (await (await fetch(`${EMULATOR}/limits`)).json()) as LimitStats;
	const seconds = (Date.now() - stats.since) / 1000;
	const tooMany = stats.routeLimited + stats.globalLimited + stats.banned;
	const waits = [...tally.smallWaitsMs].sort((a, b) => a - b);
	return {
		demand: `${demand}x`,
		coordinator: coordinated,
		readers,
		seconds: Number(seconds.toFixed(1)),
		requests_per_second: Number((stats.sent / seconds).toFixed(1)),
		peak_requests_in_a_second: stats.peakPerWindow,
		http_429: tooMany,
		http_429_after_first: Math.max(0, tooMany - 1),
		http_429_global: stats.globalLimited,
		http_429_route: stats.routeLimited,
		invalid_requests: stats.invalid,
		invalid_per_10_minutes: Math.round((stats.invalid / seconds) * 600),
		banned_after_s: stats.bannedAt === null ? null : Number(((stats.bannedAt - stats.since) / 1000).toFixed(1)),
		small_jobs_done: tally.smallWaitsMs.length,
		small_job_wait_ms_p50: percentile(waits, 50) ?? 0,
		small_job_wait_ms_p95: percentile(waits, 95) ?? 0,
		large_guild_pages_per_second: Number((tally.largePages / seconds).toFixed(1)),
		failed_jobs: tally.failedJobs,
	};
}

it("a Discord budget for every isolate, at 1x, 5x and 20x the global limit's worth of demand", async () => {
	const channels = await seed();
	const runs = [];
	for (const demand of [1, 5, 20]) {
		for (const coordinated of [true, false]) {
			const run = await scenario(demand, coordinated, channels);
			console.log(`SCALE-RUN ${JSON.stringify(run)}`);
			runs.push(run);
		}
	}
	console.log(`SCALE ${JSON.stringify({ seconds_per_run: SECONDS, latency_ms: LATENCY_MS, isolates: ISOLATES, runs })}`);
});
