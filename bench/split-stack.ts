// The bot under two `wrangler dev` processes, to measure the interaction path's own CPU (bench/interactions.ts):
// one runs the Worker's fetch handler, which reaches the other through a dev registry of the run's own;
// the other runs the guild and coordinator Durable Objects and the queue consumer. A deployment runs these
// in isolates of their own; one `wrangler dev` runs them all in one workerd, whose CPU /proc cannot split.
// Their configs are made from wrangler.toml for the run: wrangler.toml and the Worker's code stay as they are.
// What the interactions' process still runs besides the Worker: the local D1 (a hit's usage-event insert)
// and the dev registry's proxy Durable Objects, which pass each call on to the guild's object over a socket.
// Its Queue broker idles: the guild's object sends the jobs, to the broker of its own process.
import { type ChildProcess, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Unstable_RawConfig } from "wrangler";
import type { SigningKeys } from "../scripts/playground/keys.ts";
import { freePort, ROOT, stopProcess } from "../scripts/playground/processes.ts";
import { startDevServer, startLocalStack } from "../scripts/playground/stack.ts";
import { rootConfig } from "./root-config.ts";

/** The objects' process keeps the bot's name, so that bench/seeder's `script_name` finds its GuildObject. */
const OBJECTS_NAME = "summary-bot";
const INTERACTIONS_NAME = "summary-bot-bench-interactions";

/**
 * The two configs, from wrangler.toml: the interactions' process with every Durable Object binding pointed
 * at the objects' process (`script_name`), no classes or migrations of its own and no queue consumer; the
 * objects' process as wrangler.toml is. Neither builds: the bench builds once, before both start.
 */
export function splitConfigs(): { interactions: Unstable_RawConfig; objects: Unstable_RawConfig } {
	const { build: _, ...config } = rootConfig();
	const bindings = config.durable_objects?.bindings ?? [];
	if (!bindings.length || !config.queues?.consumers?.length)
		throw new Error("bench/split-stack.ts: wrangler.toml has no Durable Objects or no queue consumer");
	return {
		interactions: {
			...config,
			name: INTERACTIONS_NAME,
			durable_objects: { bindings: bindings.map((binding) => ({ ...binding, script_name: OBJECTS_NAME })) },
			migrations: [],
			queues: { producers: config.queues.producers },
		},
		objects: { ...config, name: OBJECTS_NAME },
	};
}

function build(args: string[]): void {
	const result = spawnSync(process.execPath, [join(ROOT, "scripts/build-worker.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
	if (result.status !== 0) throw new Error(`building the Worker failed:\n${result.stderr || result.stdout}`);
}

/**
 * The split bot, with fresh state and an empty Discord emulator: `wrangler` and `port` are the interactions'
 * process, `objects` the other one. `registryEnv` is the environment of a `wrangler dev` that should see them
 * (bench/seeder): the run's own dev registry, so that no other dev session's "summary-bot" answers instead.
 * `buildArgs` go to scripts/build-worker.ts (e.g. `--alias`, to measure a module's share).
 */
export async function startSplitStack(keys: SigningKeys, buildArgs: string[] = []) {
	const dir = mkdtempSync(join(tmpdir(), "summary-bot-split-"));
	const registryEnv = { WRANGLER_REGISTRY_PATH: join(dir, "registry") };
	const configs = splitConfigs();
	writeFileSync(join(dir, "interactions.json"), JSON.stringify(configs.interactions));
	writeFileSync(join(dir, "objects.json"), JSON.stringify(configs.objects));
	build(buildArgs);

	const emulatorPort = await freePort();
	const interactions = await startLocalStack({
		keys,
		seed: false,
		emulatorPort,
		wranglerArgs: ["--config", join(dir, "interactions.json")],
		wranglerEnv: registryEnv,
	});
	let objects: ChildProcess | undefined;
	const stop = async () => {
		await Promise.all([objects && stopProcess(objects), interactions.stop()]);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		const port = await freePort();
		({ wrangler: objects } = await startDevServer(dir, "objects", port, keys, interactions.emulatorUrl, {
			wranglerArgs: ["--config", join(dir, "objects.json")],
			wranglerEnv: registryEnv,
		}));
		return {
			...interactions,
			url: interactions.workerUrl,
			emulator: interactions.emulatorUrl,
			objects,
			objectsPort: port,
			registryEnv,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
