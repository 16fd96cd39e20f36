// Benchmark of the Worker's startup: the CPU time that `wrangler check startup` profiles while the bundle's
// modules are evaluated (its "Active" figure: the profile's samples less idle ones, garbage collection
// included), for the bot and for the smallest interactions endpoint (bench/minimal-endpoint/), each built
// once by the same wrangler on the same machine; their ratio; and the bundles' sizes, raw and gzipped, as
// wrangler counts them (the modules without source maps), with the part an isolate compiles at startup (the bot's
// queue consumer is a module of its own, imported on its first batch). A profile samples every few milliseconds, so one
// run of a short startup is coarse: the figure is the median of BENCH_STARTUP_RUNS runs (default 7), which
// alternate between the two Workers so the machine's noise falls on both alike. Local only: the profile is
// taken in a local workerd. Prints one JSON line. Run: npm run bench:startup
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { percentile, ROOT, report, runWrangler } from "./harness.ts";

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 7);
const WORKERS = { bot: "wrangler.toml", minimal_endpoint: "bench/minimal-endpoint/wrangler.toml" };

interface CpuProfile {
	nodes: { id: number; callFrame: { functionName: string } }[];
	samples: number[];
	timeDeltas: number[];
}

/** Milliseconds of the profile not spent idle: the sum of the time each sample stands for. */
function activeMs(profile: CpuProfile): number {
	const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id));
	const micros = profile.timeDeltas.reduce((sum, delta, index) => sum + (idle.has(profile.samples[index]) ? 0 : delta), 0);
	return micros / 1000;
}

/** A module's static imports of other modules of the upload; `import("./…")` is left out, as a dynamic import is only
 * fetched when it runs. */
function staticImports(code: string): string[] {
	return [...code.matchAll(/\b(?:from\s*|import\s*)["']\.\/([^"']+)["']/g)].map((match) => match[1]);
}

/** The upload `wrangler deploy --dry-run --outfile` writes is multipart form data: a metadata part naming the main
 * module, then one part per module, source maps among them. Sizes of all the code, and of the code an isolate
 * compiles before its first request: the main module and what it imports statically. */
async function bundleSizes(path: string) {
	const bytes = readFileSync(path);
	const boundary = bytes.subarray(2, bytes.indexOf(10)).toString().trim();
	const form = await new Response(bytes, { headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }).formData();
	const { main_module } = JSON.parse(String(form.get("metadata"))) as { main_module: string };
	const modules = new Map<string, Buffer>();
	for (const [name, part] of form) {
		if (part instanceof Blob && part.type !== "application/source-map") modules.set(name, Buffer.from(await part.arrayBuffer()));
	}
	const loaded = new Set<string>();
	const visit = (name: string) => {
		const code = modules.get(name);
		if (loaded.has(name) || !code) return;
		loaded.add(name);
		for (const imported of staticImports(code.toString())) visit(imported);
	};
	visit(main_module);
	const code = Buffer.concat([...modules.values()]);
	return {
		modules: modules.size,
		bundle_bytes: code.byteLength,
		bundle_gzip_bytes: gzipSync(code).byteLength,
		startup_loads_bytes: [...loaded].reduce((sum, name) => sum + (modules.get(name)?.byteLength ?? 0), 0),
	};
}

const median = (values: number[]) =>
	percentile(
		[...values].sort((a, b) => a - b),
		50,
	);
const round = (ms: number) => Math.round(ms * 10) / 10;

const dir = mkdtempSync(join(tmpdir(), "bench-startup-"));
try {
	const names = Object.keys(WORKERS) as (keyof typeof WORKERS)[];
	const bundle = (name: string) => join(dir, `${name}.bundle`);
	for (const name of names) runWrangler(["deploy", "--dry-run", "--config", WORKERS[name], "--outfile", bundle(name)]);

	const runs = Object.fromEntries(names.map((name) => [name, [] as number[]]));
	for (let run = 0; run < RUNS; run++) {
		for (const name of names) {
			const profile = join(dir, `${name}.cpuprofile`);
			runWrangler(["check", "startup", "--worker", bundle(name), "--outfile", profile]);
			runs[name].push(activeMs(JSON.parse(readFileSync(profile, "utf8")) as CpuProfile));
		}
	}

	const results = Object.fromEntries(
		await Promise.all(
			names.map(
				async (name) =>
					[
						name,
						{ startup_cpu_ms: round(median(runs[name])), startup_cpu_ms_runs: runs[name].map(round), ...(await bundleSizes(bundle(name))) },
					] as const,
			),
		),
	);
	const { bot, minimal_endpoint } = results;
	report("startup", {
		wrangler: (JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")) as { version: string }).version,
		runs: RUNS,
		bot,
		minimal_endpoint,
		startup_cpu_ratio: Math.round((bot.startup_cpu_ms / minimal_endpoint.startup_cpu_ms) * 10) / 10,
		bundle_gzip_ratio: Math.round((bot.bundle_gzip_bytes / minimal_endpoint.bundle_gzip_bytes) * 10) / 10,
	});
} finally {
	rmSync(dir, { recursive: true, force: true });
}
