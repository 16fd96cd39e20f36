// The bot under two `wrangler dev` processes, to measure the interaction path's own CPU (bench/interactions.ts):
// one runs the Worker's fetch handler, which reaches the other through a dev registry of the run's own;
// the other runs the guild and coordinator Durable Objects and the queue consumer. A deployment runs these
// in isolates of their own; one `wrangler dev` runs them all in one workerd, whose CPU /proc cannot split.
// Their configs are made from wrangler.toml for the run: wrangler.toml and the Worker's code stay as they are.
// What the interactions' process still runs besides the Worker: the local D1 (the usage events' inserts),
// the Queue's broker (which forwards each message to the consumer's process) and the dev registry's proxies.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SigningKeys } from "../scripts/playground/keys.ts";
import { applyMigrations, freePort, ROOT, startWrangler, stopProcess, waitFor } from "../scripts/playground/processes.ts";
import { startLocalStack, writeStackVars } from "../scripts/playground/stack.ts";

/** The objects' process keeps the bot's name, so that bench/seeder's `script_name` finds its GuildObject. */
const OBJECTS_NAME = "summary-bot";
const INTERACTIONS_NAME = "summary-bot-bench-interactions";

/** wrangler.toml as its tables: the top-level keys first, then one entry per `[table]` or `[[array]]` header. */
function tables(toml: string): string[] {
	return toml.split(/^(?=\[)/m);
}

function header(table: string): string {
	return table.slice(0, table.indexOf("\n")).trim();
}

/** Replaces `line` in `table`, and fails without it: wrangler.toml has changed under the bench. */
function must(table: string, line: RegExp, replacement: (...groups: string[]) => string): string {
	if (!line.test(table)) throw new Error(`bench/split-stack.ts: wrangler.toml's ${header(table) || "top level"} has no ${line}`);
	return table.replace(line, replacement);
}

/** The top-level keys with `name`, and paths absolute, as the config is written elsewhere. */
function topLevel(table: string, name: string): string {
	const named = must(table, /^name = ".*"$/m, () => `name = "${name}"`);
	return must(named, /^main = "(.*)"$/m, (_, main) => `main = "${join(ROOT, main)}"`);
}

/**
 * The two configs: the interactions' process with every Durable Object binding pointed at the objects'
 * process (`script_name`), no classes or migrations of its own and no queue consumer (its broker then
 * forwards each message to the consumer in the other process); the objects' process as wrangler.toml is.
 * Neither builds: the bench builds once, before both start.
 */
export function splitConfigs(toml: string): { interactions: string; objects: string } {
	const interactions: string[] = [];
	const objects: string[] = [];
	for (const [i, table] of tables(toml).entries()) {
		const name = header(table);
		const absolute = (t: string) => t.replace(/^migrations_dir = "(.*)"$/m, (_, dir: string) => `migrations_dir = "${join(ROOT, dir)}"`);
		if (i === 0) {
			interactions.push(topLevel(table, INTERACTIONS_NAME));
			objects.push(topLevel(table, OBJECTS_NAME));
		} else if (name === "[build]") {
			// built once by the bench
		} else if (name === "[[durable_objects.bindings]]") {
			interactions.push(must(table, /^(class_name = ".*")$/m, (line) => `${line}\nscript_name = "${OBJECTS_NAME}"`));
			objects.push(table);
		} else if (name === "[[migrations]]" || name === "[[queues.consumers]]") {
			objects.push(table);
		} else {
			interactions.push(absolute(table));
			objects.push(absolute(table));
		}
	}
	return { interactions: interactions.join(""), objects: objects.join("") };
}

function build(): void {
	const result = spawnSync(process.execPath, [join(ROOT, "scripts/build-worker.ts")], { cwd: ROOT, encoding: "utf8" });
	if (result.status !== 0) throw new Error(`building the Worker failed:\n${result.stderr || result.stdout}`);
}

/**
 * The split bot, with fresh state and an empty Discord emulator: `wrangler` and `port` are the interactions'
 * process, `objects` the other one. `registryEnv` is the environment of a `wrangler dev` that should see them
 * (bench/seeder): the run's own dev registry, so that no other dev session's "summary-bot" answers instead.
 */
export async function startSplitStack(keys: SigningKeys) {
	const dir = mkdtempSync(join(tmpdir(), "summary-bot-split-"));
	const registryEnv = { WRANGLER_REGISTRY_PATH: join(dir, "registry") };
	const configs = splitConfigs(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
	writeFileSync(join(dir, "interactions.toml"), configs.interactions);
	writeFileSync(join(dir, "objects.toml"), configs.objects);
	build();

	const emulatorPort = await freePort();
	const interactions = await startLocalStack({
		keys,
		seed: false,
		emulatorPort,
		wranglerArgs: ["--config", join(dir, "interactions.toml")],
		wranglerEnv: registryEnv,
	});
	let objects: ReturnType<typeof startWrangler> | undefined;
	const stop = async () => {
		await Promise.all([objects && stopProcess(objects), interactions.stop()]);
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		const persist = join(dir, "objects-state");
		applyMigrations(persist);
		writeStackVars(join(dir, "vars.env"), keys, interactions.emulatorUrl);
		const [port, inspector] = [await freePort(), await freePort()];
		objects = startWrangler(
			[
				"--port",
				String(port),
				"--inspector-port",
				String(inspector),
				"--persist-to",
				persist,
				"--env-file",
				join(dir, "vars.env"),
				"--config",
				join(dir, "objects.toml"),
			],
			ROOT,
			{ directory: dir, env: registryEnv },
		);
		await waitFor(`http://127.0.0.1:${port}/health`, (status) => status === 200, { child: objects, timeoutMs: 120_000 });
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
