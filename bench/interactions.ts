// Benchmark of the interaction path: starts `wrangler dev` on loopback, drives it with signed
// interactions (PING, /summarize cache miss, /summarize cache hit) and prints one JSON line with
// req/s, p50/p99 latency and the server's CPU per request, read from /proc for the processes
// that `wrangler dev` runs (its workerd and its own Node process). Twice:
// - the whole bot in one `wrangler dev` (top-level fields): its app workerd also runs the guild Durable
//   Objects, the queue consumer and D1, which a deployment runs elsewhere;
// - `own_cpu`: the bot split over two (bench/split-stack.ts), the Durable Objects and the consumer in
//   the second, so that the first's app workerd is the Worker's own CPU, with the local D1 and the dev
//   registry's proxies still in it; `objects_cpu_ms_per_request` is the second's.
//   npm run bench                    BENCH_REQUESTS=2000 BENCH_CONCURRENCY=16 by default
//   BENCH_BASELINE_DIR=<dir>         the Worker (POST /) also PINGed the same way, as `baseline_ping`, for a comparison
//                                    on the same machine (default bench/minimal-endpoint; e.g. Discord's sample app),
//                                    before, between and after the two runs, as the machine's load drifts;
//                                    `ratios` divides each interaction's CPU by the mean of the two around its run;
//                                    `own_cpu.ratios` are the median of BENCH_ROUNDS=7 rounds, each measuring the
//                                    baseline, a second copy of it (`baseline_copy`: the measure's precision) and
//                                    then the split bot, BENCH_REQUESTS / 2 interactions of each kind
//   npm run bench:interactions -- --alias <specifier>=<path>
//                                    the split bot built with a module in place of another (scripts/build-worker.ts),
//                                    to measure that module's share of the Worker's own CPU
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
	freePort,
	percentile,
	ping,
	publicKeyHex,
	ROOT,
	report,
	signed,
	snowflake,
	startBot,
	startSplitBot,
	startWrangler,
	stopProcess,
	summarize,
	waitFor,
} from "./harness.ts";
import { groupProcesses, isAppWorkerd } from "./proc.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const AFTER_ANSWERS_MS = 2000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ROUND_REQUESTS = Math.ceil(REQUESTS / 2);
const BASELINE_DIR = process.env.BENCH_BASELINE_DIR ?? join(ROOT, "bench/minimal-endpoint");

interface Cpu {
	/** The workerd that runs the bot itself (split: its interactions' process's). */
	app: number;
	/** Everything else `wrangler dev` runs: its proxy workerd, esbuild and Node. */
	other: number;
	/** Split: the workerd of the objects' process (the Durable Objects and the queue consumer). */
	objects?: number;
}

/** A Worker under `wrangler dev` to drive, and how to read the CPU its processes used so far. */
type Endpoint = { url: string; server: () => Cpu };

/** CPU seconds used so far by the dev server `wrangler` (its process group). wrangler dev runs two workerd
 * processes: a proxy, whose socket is the public port, and the app's own. */
function serverCpu(wrangler: number, publicPort: number): Cpu {
	const cpu: Cpu = { app: 0, other: 0 };
	for (const process of groupProcesses(wrangler)) {
		cpu[isAppWorkerd(process, publicPort) ? "app" : "other"] += process.cpuSeconds;
	}
	return cpu;
}

type Answer = { type?: number; data?: { embeds?: { description?: string }[] } };

/** Sends `bodies` with CONCURRENCY requests in flight; checks every answer's type is `expectType`, and `expected` holds for it. */
async function drive(
	url: string,
	bodies: unknown[],
	expectType: number,
	server: () => Cpu,
	expected: (answer: Answer) => boolean = () => true,
) {
	const payloads = bodies.map(signed);
	const latencies: number[] = [];
	let next = 0;
	const before = server();
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < payloads.length) {
				const payload = payloads[next++];
				const t0 = performance.now();
				const response = await fetch(url, { method: "POST", ...payload });
				const answer = (await response.json()) as Answer;
				latencies.push(performance.now() - t0);
				if (answer.type !== expectType || !expected(answer))
					throw new Error(`expected type ${expectType}, got ${response.status} ${JSON.stringify(answer)}`);
			}
		}),
	);
	const seconds = (performance.now() - started) / 1000;
	// What the Worker does after its answers is part of their cost: a window of usage events (src/metrics/record.ts,
	// 1 s) is written after them.
	await sleep(AFTER_ANSWERS_MS);
	const after = server();
	latencies.sort((a, b) => a - b);
	const perRequest = (cpuSeconds: number) => Number(((cpuSeconds * 1000) / payloads.length).toFixed(3));
	return {
		requests: payloads.length,
		rps: Math.round(payloads.length / seconds),
		p50_ms: Number(percentile(latencies, 50).toFixed(2)),
		p99_ms: Number(percentile(latencies, 99).toFixed(2)),
		app_workerd_cpu_ms_per_request: perRequest(after.app - before.app),
		server_cpu_ms_per_request: perRequest(after.app + after.other - before.app - before.other),
		...(after.objects === undefined ? {} : { objects_cpu_ms_per_request: perRequest(after.objects - before.objects!) }),
	};
}

type Driven = Awaited<ReturnType<typeof drive>>;

/** Each interaction's CPU per request over the baseline's PING, for the app's workerd and for the whole dev server. */
function ratios(results: Record<string, Driven>, baseline: Pick<Driven, "app_workerd_cpu_ms_per_request" | "server_cpu_ms_per_request">) {
	const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
	return Object.fromEntries(
		Object.entries(results).map(([name, result]) => [
			name,
			{
				app_workerd_cpu: ratio(result.app_workerd_cpu_ms_per_request, baseline.app_workerd_cpu_ms_per_request),
				server_cpu: ratio(result.server_cpu_ms_per_request, baseline.server_cpu_ms_per_request),
			},
		]),
	);
}

/** Webhook calls the emulator has recorded: each admitted job ends in one. */
async function deliveries(emulator: string): Promise<number> {
	return ((await (await fetch(`${emulator}/__records`)).json()) as unknown[]).length;
}

/** A seeded summary's text: a hit's answer shows it, which no other answer of type 4 does. */
const CACHED = "A cached summary. ".repeat(40);

function isCached(answer: Answer): boolean {
	return answer.data?.embeds?.[0]?.description === CACHED;
}

/** bench/seeder under `wrangler dev`, in the dev registry `env` names (default: the machine's). */
async function startSeeder(env?: Record<string, string>) {
	const [port, inspector] = [await freePort(), await freePort()];
	const wrangler = startWrangler(["--port", String(port), "--inspector-port", String(inspector)], join(ROOT, "bench/seeder"), { env });
	const url = `http://127.0.0.1:${port}/`;
	// Any answer: it answers a GET with 500 (no JSON body).
	await waitFor(url, () => true, { child: wrangler });
	return { wrangler, url };
}

/** PING, admitted `/summarize` and cache hits, REQUESTS each, against `bot`; `server` reads the CPU its processes used so far. */
async function interactions(bot: { url: string; emulator: string }, seederUrl: string, server: () => Cpu) {
	const url = `${bot.url}/interactions`;
	await drive(url, Array.from({ length: 200 }, ping), 1, server);
	const results: Record<string, Driven> = {};
	results.ping = await drive(url, Array.from({ length: REQUESTS }, ping), 1, server);

	// Misses, every one admitted.
	const delivered = await deliveries(bot.emulator);
	const cpuBefore = server();
	results.summarize_miss = await drive(url, misses(REQUESTS), 5, server);
	// The queue consumer works on in the background (here each job finds no such channel and says so);
	// account for it too, once every job has answered.
	await jobsAnswered(bot.emulator, delivered + REQUESTS);
	const cpuAfter = server();
	Object.assign(results.summarize_miss, {
		jobs_answered: (await deliveries(bot.emulator)) - delivered,
		server_cpu_ms_per_request_with_consumer: Number(
			(((cpuAfter.app + cpuAfter.other - cpuBefore.app - cpuBefore.other) * 1000) / REQUESTS).toFixed(3),
		),
		...(cpuAfter.objects === undefined
			? {}
			: { objects_cpu_ms_per_request_with_consumer: Number((((cpuAfter.objects - cpuBefore.objects!) * 1000) / REQUESTS).toFixed(3)) }),
	});

	// Hits: 50 channels whose summaries the seeder caches, requested round-robin.
	const channels = Array.from({ length: 50 }, () => ({ guildId: snowflake(), channelId: snowflake(), lastMessageId: snowflake() }));
	for (const channel of channels) {
		const key = `${channel.channelId}:n100:brief:en@${channel.lastMessageId}`;
		const summary = { embeds: [{ title: "Summary", description: CACHED }] };
		const response = await fetch(seederUrl, { method: "POST", body: JSON.stringify({ ...channel, key, summary }) });
		if (response.status !== 204) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
	}
	const hits = (n: number) =>
		Array.from({ length: n }, (_, i) => {
			const channel = channels[i % channels.length];
			return summarize(channel.guildId, channel.channelId, snowflake(), channel.lastMessageId);
		});
	results.summarize_hit = await drive(url, hits(REQUESTS), 4, server, isCached);
	return { results, hits };
}

/** `n` admitted `/summarize`: 10 per guild (its burst), each a different channel and member. */
function misses(n: number) {
	const guilds = Array.from({ length: Math.ceil(n / 10) }, snowflake);
	return Array.from({ length: n }, (_, i) => summarize(guilds[Math.floor(i / 10)], snowflake(), snowflake(), snowflake()));
}

/** Waits until the emulator has `count` webhook calls: each admitted job ends in one. */
async function jobsAnswered(emulator: string, count: number) {
	for (let i = 0; i < 1200 && (await deliveries(emulator)) < count; i++) await sleep(100);
}

/**
 * The Worker's own CPU again in ROUNDS rounds, each the baseline's PING, the same PING to a second copy of the
 * baseline, and then the Worker's PING, hit and admitted `/summarize` (ROUND_REQUESTS each), so that each ratio
 * divides by a baseline measured under the same load a minute before, not minutes away, and the median over the
 * rounds leaves out one that the machine's other work disturbed. The copy's ratio is what two identical Workers
 * differ by here: the measure's own precision. A round's jobs are all answered before the next begins.
 */
async function rounds(
	[baseline, copy]: [Endpoint, Endpoint],
	bot: { url: string; emulator: string },
	server: () => Cpu,
	hits: (n: number) => unknown[],
) {
	const url = `${bot.url}/interactions`;
	const cpu = (result: Driven) => result.app_workerd_cpu_ms_per_request;
	const pings = () => Array.from({ length: ROUND_REQUESTS }, ping);
	const measured: Record<"baseline_ping" | RoundRatio, number>[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		const base = cpu(await drive(baseline.url, pings(), 1, baseline.server));
		const copied = cpu(await drive(copy.url, pings(), 1, copy.server));
		const pinged = cpu(await drive(url, pings(), 1, server));
		const hit = cpu(await drive(url, hits(ROUND_REQUESTS), 4, server, isCached));
		const delivered = await deliveries(bot.emulator);
		const missed = cpu(await drive(url, misses(ROUND_REQUESTS), 5, server));
		await jobsAnswered(bot.emulator, delivered + ROUND_REQUESTS);
		measured.push({ baseline_ping: base, baseline_copy: copied, ping: pinged, summarize_hit: hit, summarize_miss: missed });
	}
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const ratio = (key: RoundRatio) => Number(median(measured.map((round) => round[key] / round.baseline_ping)).toFixed(2));
	return { rounds: measured, ratios: Object.fromEntries(ROUND_RATIOS.map((key) => [key, ratio(key)])) };
}

const ROUND_RATIOS = ["baseline_copy", "ping", "summarize_hit", "summarize_miss"] as const;
type RoundRatio = (typeof ROUND_RATIOS)[number];

async function main() {
	const baseline = await startBaseline(BASELINE_DIR);
	const copy = await startBaseline(BASELINE_DIR);
	let stopBot = () => Promise.resolve();
	const stopAll = () => Promise.all([baseline.stop(), copy.stop(), stopBot()]);
	process.on("SIGINT", () => void stopAll().finally(() => process.exit(130)));
	try {
		for (const endpoint of [baseline, copy]) {
			// Any answer: the minimal endpoint answers GET / with 404.
			await waitFor(endpoint.url, () => true, { child: endpoint.wrangler });
			await drive(endpoint.url, Array.from({ length: 200 }, ping), 1, endpoint.server);
		}
		const baselineFirst = await drive(baseline.url, Array.from({ length: REQUESTS }, ping), 1, baseline.server);

		// The whole bot in one `wrangler dev`: the Worker, its Durable Objects, the queue consumer and D1 in one workerd.
		const whole = await startBot();
		const wholeSeeder = await startSeeder();
		stopBot = () => Promise.all([stopProcess(wholeSeeder.wrangler), whole.stop()]).then(() => undefined);
		const { results } = await interactions(whole, wholeSeeder.url, () => serverCpu(whole.wrangler.pid!, whole.port));
		await stopBot();
		const baselineMiddle = await drive(baseline.url, Array.from({ length: REQUESTS }, ping), 1, baseline.server);

		// The Worker's own: its Durable Objects and the consumer in a second `wrangler dev` (bench/split-stack.ts).
		const split = await startSplitBot(process.argv.slice(2));
		const splitSeeder = await startSeeder(split.registryEnv);
		stopBot = () => Promise.all([stopProcess(splitSeeder.wrangler), split.stop()]).then(() => undefined);
		const splitCpu = () => ({
			...serverCpu(split.wrangler.pid!, split.port),
			objects: serverCpu(split.objects.pid!, split.objectsPort).app,
		});
		const { results: own, hits } = await interactions(split, splitSeeder.url, splitCpu);
		const interleaved = await rounds([baseline, copy], split, splitCpu, hits);
		await stopBot();
		const baselineLast = await drive(baseline.url, Array.from({ length: REQUESTS }, ping), 1, baseline.server);

		const mean = (a: Driven, b: Driven) => ({
			app_workerd_cpu_ms_per_request: Number(((a.app_workerd_cpu_ms_per_request + b.app_workerd_cpu_ms_per_request) / 2).toFixed(3)),
			server_cpu_ms_per_request: Number(((a.server_cpu_ms_per_request + b.server_cpu_ms_per_request) / 2).toFixed(3)),
		});
		// The whole bot's ratios divide by the baseline's PING before and after it; the own ones by that after the
		// whole bot's run and after their own.
		const baselinePing = { first: baselineFirst, last: baselineMiddle, ...mean(baselineFirst, baselineMiddle) };
		const ownBaseline = { first: baselineMiddle, last: baselineLast, ...mean(baselineMiddle, baselineLast) };
		report("interaction-path", {
			concurrency: CONCURRENCY,
			baseline: BASELINE_DIR,
			...results,
			baseline_ping: baselinePing,
			ratios: ratios(results, baselinePing),
			own_cpu: {
				...own,
				baseline_ping: ownBaseline,
				// The median of the rounds' ratios; each round's CPU per request is in `rounds`.
				...interleaved,
			},
		});
	} finally {
		await stopAll();
	}
}

/** `wrangler dev` of the baseline Worker, to answer on `url`; its state its own, as two copies of it run at once. */
async function startBaseline(dir: string) {
	const [port, inspector] = [await freePort(), await freePort()];
	const state = mkdtempSync(join(tmpdir(), "bench-baseline-"));
	const wrangler = startWrangler(
		["--port", String(port), "--inspector-port", String(inspector), "--persist-to", state, "--var", `DISCORD_PUBLIC_KEY:${publicKeyHex}`],
		dir,
	);
	const stop = () => stopProcess(wrangler).finally(() => rmSync(state, { recursive: true, force: true }));
	return { wrangler, url: `http://127.0.0.1:${port}/`, server: () => serverCpu(wrangler.pid!, port), stop };
}

await main();
