// `npm run bench`: every benchmark, one after another, each in a process of its own with a fresh local
// instance (none can share one: the interaction path's CPU figures would include another's queue
// work, the pipeline needs the emulator's page latency, the cache benchmark a build with raised
// limits). Prints each benchmark's JSON line as it comes, then a short table of them all.
// BENCH_ONLY=cache,pipeline runs some of them. Each also runs alone: npm run bench:<name>.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./harness.ts";
import { table } from "./table.ts";

const BENCHES = ["startup", "compaction", "interactions", "pipeline", "cache", "scale"];
const TSX = join(ROOT, "node_modules/.bin/tsx");

type Line = Record<string, unknown> & { bench: string };
type Fields = Record<string, number>;

/** Runs bench/<name>.ts; resolves with the JSON lines it printed. */
function run(name: string): Promise<Line[]> {
	return new Promise((resolve, reject) => {
		const child = spawn(TSX, [join(ROOT, "bench", `${name}.ts`)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
		const lines: Line[] = [];
		let buffered = "";
		child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
			buffered += chunk;
			for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
				const text = buffered.slice(0, end);
				buffered = buffered.slice(end + 1);
				console.log(text);
				if (text.startsWith("{")) lines.push(JSON.parse(text) as Line);
			}
		});
		child.on("error", reject);
		child.on("exit", (code) => (code === 0 ? resolve(lines) : reject(new Error(`bench/${name}.ts exited with ${code}`))));
	});
}

const ms = (value: number) => `${value} ms`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

function rows(line: Line): string[][] {
	switch (line.bench) {
		case "interaction-path": {
			const ratios = line.ratios as Record<string, Fields>;
			const path = (label: string, result: Fields, key?: string) => {
				const cpu = `${result.app_workerd_cpu_ms_per_request} ms app / ${result.server_cpu_ms_per_request} ms server CPU per request`;
				const ratio = key ? ` (${ratios[key].app_workerd_cpu}× / ${ratios[key].server_cpu}× the baseline's PING)` : "";
				return [`interaction path: ${label}`, `${result.rps} req/s, p50 ${ms(result.p50_ms)}, p99 ${ms(result.p99_ms)}, ${cpu}${ratio}`];
			};
			const baseline = line.baseline_ping as Record<"first" | "last", Fields>;
			const own = line.own_cpu as Record<string, Fields> & { ratios: Record<string, number>; baseline_ping: Record<"last", Fields> };
			const ownPath = (label: string, key: string) => [
				`interaction path, own CPU: ${label}`,
				`${own[key].app_workerd_cpu_ms_per_request} ms per request; ${own.ratios[key]}× the baseline's PING (median of rounds)`,
			];
			return [
				path("PING", line.ping as Fields, "ping"),
				path("/summarize hit", line.summarize_hit as Fields, "summarize_hit"),
				path("/summarize miss", line.summarize_miss as Fields, "summarize_miss"),
				path("baseline PING, before", baseline.first),
				path("baseline PING, between", baseline.last),
				ownPath("PING", "ping"),
				ownPath("/summarize hit", "summarize_hit"),
				ownPath("/summarize miss", "summarize_miss"),
				path("baseline PING, after", own.baseline_ping.last),
				["baseline's copy, its precision", `${own.ratios.baseline_copy}× the baseline's PING (median of rounds)`],
			];
		}
		case "pipeline":
			return ["m1000", "m10000", "sparse_newest_m10000", "sparse_newest_m1000"].map((key) => {
				const result = line[key] as Fields;
				const channel = key.startsWith("sparse") ? "sparse-newest channel" : "uniform channel";
				return [
					`pipeline: ${result.messages.toLocaleString("en-US")} messages, ${channel}`,
					`${result.seconds} s to the summary of ${result.summarized_messages.toLocaleString("en-US")} messages, ` +
						`${result.pages_read} pages read (${result.pages_per_1000_messages} per 1,000; one by one: ${result.serial_paging_seconds} s)`,
				];
			});
		case "startup": {
			const startup = (label: string, result: Fields) => [
				`startup: ${label}`,
				`${ms(result.startup_cpu_ms)} CPU (median), bundle ${kib(result.bundle_bytes)} / ${kib(result.bundle_gzip_bytes)} gzip, ${kib(result.startup_loads_bytes)} compiled at startup`,
			];
			return [
				startup("the bot", line.bot as Fields),
				startup("minimal endpoint", line.minimal_endpoint as Fields),
				["startup: bot ÷ minimal", `${line.startup_cpu_ratio}× the CPU, ${line.bundle_gzip_ratio}× the gzip bundle`],
			];
		}
		case "compaction":
			return [
				[
					"compaction: 10,000 messages",
					`${ms(line.compact_cpu_ms_best as number)} CPU (best), token ratio ${line.token_ratio} of the naive rendering`,
				],
			];
		case "cache":
			return (line.runs as (Fields & { targets: Fields; targets_met: Record<string, boolean> })[]).map((result) => {
				const met = Object.entries(result.targets_met).map(([target, ok]) => `${target} ${ok ? "met" : "NOT met"}`);
				return [
					`cache: ${result.messages_per_request} new messages per request`,
					`${result.llm_calls_per_answered_request} LLM calls (target ≤ ${result.targets.llm_calls_per_answered_request}) and ` +
						`${result.tokens_per_answered_request} tokens (target ≤ ${result.targets.tokens_per_answered_request}) per answered request; ` +
						`LLM coverage min ${result.coverage_min}, ${result.empty_summaries} empty ` +
						`(hit ${result.hit}, joined ${result.joined}, miss ${result.miss}, denied ${result.denied}); ${met.join(", ")}`,
				];
			});
		case "scale":
			return (line.runs as (Fields & { demand: string; coordinator: boolean })[]).map((run) => [
				`scale: ${run.demand} demand, ${run.coordinator ? "with the coordinator" : "each isolate on its own"}`,
				`${run.requests_per_second} req/s (at most ${run.peak_requests_in_a_second} in a second), ${run.http_429_after_first} 429s after the first, ` +
					`${run.invalid_per_10_minutes} invalid per 10 min, small jobs' wait p95 ${ms(run.small_job_wait_ms_p95)}, ${run.failed_jobs} failed tries`,
			]);
		default:
			return [[line.bench, JSON.stringify(line)]];
	}
}

const only = process.env.BENCH_ONLY?.split(",");
const results: Line[] = [];
const failures: string[] = [];
for (const name of BENCHES.filter((bench) => !only || only.includes(bench))) {
	try {
		results.push(...(await run(name)));
	} catch (error) {
		failures.push(String(error instanceof Error ? error.message : error));
	}
}
console.log(`\n${table(["benchmark", "result"], results.flatMap(rows))}`);
if (failures.length) {
	console.error(`\n${failures.join("\n")}`);
	process.exitCode = 1;
}
