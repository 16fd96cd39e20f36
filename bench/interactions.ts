// Benchmark of the interaction path: starts `wrangler dev` on loopback, drives it with signed
// interactions (PING, /summarize cache miss, /summarize cache hit) and prints one JSON line with
// req/s, p50/p99 latency and the server's CPU per request, read from /proc for the processes
// that `wrangler dev` runs (its workerd and its own Node process).
//   npm run bench                    BENCH_REQUESTS=2000 BENCH_CONCURRENCY=16 by default
//   BENCH_BASELINE_DIR=<dir>         the Worker (POST /) also PINGed the same way, as `baseline_ping`, for a comparison
//                                    on the same machine (default bench/minimal-endpoint; e.g. Discord's sample app),
//                                    before the bot's interactions and again after them, as the machine's load drifts;
//                                    `ratios` divides each interaction's CPU by the mean of the two
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
	startWrangler,
	stopProcess,
	summarize,
	waitFor,
} from "./harness.ts";
import { groupProcesses, isAppWorkerd } from "./proc.ts";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BASELINE_DIR = process.env.BENCH_BASELINE_DIR ?? join(ROOT, "bench/minimal-endpoint");

interface Cpu {
	/** The workerd that runs the bot itself. */
	app: number;
	/** Everything else `wrangler dev` runs: its proxy workerd, esbuild and Node. */
	other: number;
}

/** CPU seconds used so far by the dev server `wrangler` (its process group). wrangler dev runs two workerd
 * processes: a proxy, whose socket is the public port, and the app's own. */
function serverCpu(wrangler: number, publicPort: number): Cpu {
	const cpu: Cpu = { app: 0, other: 0 };
	for (const process of groupProcesses(wrangler)) {
		cpu[isAppWorkerd(process, publicPort) ? "app" : "other"] += process.cpuSeconds;
	}
	return cpu;
}

/** Sends `bodies` with CONCURRENCY requests in flight; checks every answer with `expectType`. */
async function drive(url: string, bodies: unknown[], expectType: number, server: () => Cpu) {
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
				const answer = (await response.json()) as { type?: number };
				latencies.push(performance.now() - t0);
				if (answer.type !== expectType) throw new Error(`expected type ${expectType}, got ${response.status} ${JSON.stringify(answer)}`);
			}
		}),
	);
	const seconds = (performance.now() - started) / 1000;
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

async function main() {
	const bot = await startBot();
	const [seederPort, seederInspector] = [await freePort(), await freePort()];
	const seeder = startWrangler(["--port", String(seederPort), "--inspector-port", String(seederInspector)], join(ROOT, "bench/seeder"));
	const baseline = await startBaseline(BASELINE_DIR);
	const stopAll = () => Promise.all([stopProcess(seeder), stopProcess(baseline.wrangler), bot.stop()]);
	process.on("SIGINT", () => void stopAll().finally(() => process.exit(130)));
	try {
		const url = `${bot.url}/interactions`;
		await waitFor(`http://127.0.0.1:${seederPort}/`, () => true);
		// Any answer: the minimal endpoint answers GET / with 404.
		await waitFor(baseline.url, () => true, { child: baseline.wrangler });
		const server = () => serverCpu(bot.wrangler.pid!, bot.port);

		await drive(baseline.url, Array.from({ length: 200 }, ping), 1, baseline.server);
		const baselineFirst = await drive(baseline.url, Array.from({ length: REQUESTS }, ping), 1, baseline.server);
		await drive(url, Array.from({ length: 200 }, ping), 1, server);
		const results: Record<string, unknown> = {};
		results.ping = await drive(url, Array.from({ length: REQUESTS }, ping), 1, server);

		// Misses: 10 per guild (its burst), each a different channel and member, so every one is admitted.
		const guilds = Array.from({ length: Math.ceil(REQUESTS / 10) }, snowflake);
		const misses = Array.from({ length: REQUESTS }, (_, i) => summarize(guilds[Math.floor(i / 10)], snowflake(), snowflake(), snowflake()));
		const delivered = await deliveries(bot.emulator);
		const cpuBefore = server();
		results.summarize_miss = await drive(url, misses, 5, server);
		// The queue consumer works on in the background (here each job finds no such channel and says so);
		// account for it too, once every job has answered.
		for (let i = 0; i < 1200 && (await deliveries(bot.emulator)) < delivered + REQUESTS; i++) await sleep(100);
		const cpuAfter = server();
		Object.assign(results.summarize_miss as object, {
			jobs_answered: (await deliveries(bot.emulator)) - delivered,
			server_cpu_ms_per_request_with_consumer: Number(
				(((cpuAfter.app + cpuAfter.other - cpuBefore.app - cpuBefore.other) * 1000) / REQUESTS).toFixed(3),
			),
		});

		// Hits: 50 channels whose summaries the seeder caches, requested round-robin.
		const channels = Array.from({ length: 50 }, () => ({ guildId: snowflake(), channelId: snowflake(), lastMessageId: snowflake() }));
		for (const channel of channels) {
			const key = `${channel.channelId}:n100:brief:en@${channel.lastMessageId}`;
			const summary = { embeds: [{ title: "Summary", description: "A cached summary. ".repeat(40) }] };
			const response = await fetch(`http://127.0.0.1:${seederPort}/`, {
				method: "POST",
				body: JSON.stringify({ ...channel, key, summary }),
			});
			if (response.status !== 204) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
		}
		const hits = Array.from({ length: REQUESTS }, (_, i) => {
			const channel = channels[i % channels.length];
			return summarize(channel.guildId, channel.channelId, snowflake(), channel.lastMessageId);
		});
		results.summarize_hit = await drive(url, hits, 4, server);
		const baselineLast = await drive(baseline.url, Array.from({ length: REQUESTS }, ping), 1, baseline.server);

		const mean = (field: "app_workerd_cpu_ms_per_request" | "server_cpu_ms_per_request") =>
			Number(((baselineFirst[field] + baselineLast[field]) / 2).toFixed(3));
		const baselinePing = {
			first: baselineFirst,
			last: baselineLast,
			app_workerd_cpu_ms_per_request: mean("app_workerd_cpu_ms_per_request"),
			server_cpu_ms_per_request: mean("server_cpu_ms_per_request"),
		};
		report("interaction-path", {
			concurrency: CONCURRENCY,
			baseline: BASELINE_DIR,
			...results,
			baseline_ping: baselinePing,
			ratios: ratios(results as Record<string, Driven>, baselinePing),
		});
	} finally {
		await stopAll();
	}
}

/** `wrangler dev` of the baseline Worker, to answer on `url`. */
async function startBaseline(dir: string) {
	const [port, inspector] = [await freePort(), await freePort()];
	const wrangler = startWrangler(
		["--port", String(port), "--inspector-port", String(inspector), "--var", `DISCORD_PUBLIC_KEY:${publicKeyHex}`],
		dir,
	);
	return { wrangler, url: `http://127.0.0.1:${port}/`, server: () => serverCpu(wrangler.pid!, port) };
}

await main();
