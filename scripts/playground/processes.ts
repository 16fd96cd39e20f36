// Running `wrangler dev` and friends from Node, for the playground and the benchmarks: ports, a fresh
// local D1, a dev server in its own process group (so stopping it stops its workerd children too).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const ROOT = join(import.meta.dirname, "../..");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const GUARD = join(import.meta.dirname, "orphan-guard.ts");
/** Each dev server's orphan guard: its stdin closes when the server is stopped, or when this process dies. */
const guards = new WeakMap<ChildProcess, ChildProcess>();
/** Loopback only: no request.cf lookup, no telemetry. Read when a wrangler starts, so a benchmark's settings count. */
const wranglerEnv = () => ({ ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" });

/** Whether `port` can be listened on at 127.0.0.1. */
function available(port: number): Promise<number | undefined> {
	const server = createServer();
	return new Promise((resolve) => {
		server.once("error", () => resolve(undefined));
		server.listen(port, "127.0.0.1", () => {
			const { port: bound } = server.address() as { port: number };
			server.close(() => resolve(bound));
		});
	});
}

/** A port free right now: `preferred` if it is, otherwise any. */
export async function freePort(preferred = 0): Promise<number> {
	return (preferred ? await available(preferred) : undefined) ?? (await available(0))!;
}

/** Runs the project's wrangler to its end, from the project's folder, on loopback only; returns what it printed. */
export function runWrangler(args: string[]): string {
	const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: wranglerEnv(), encoding: "utf8" });
	if (result.status !== 0) throw new Error(`wrangler ${args.slice(0, 2).join(" ")} failed:\n${result.stderr || result.stdout}`);
	return result.stdout;
}

/** `wrangler d1 migrations apply DB --local` into `persistTo`. */
export function applyMigrations(persistTo: string): void {
	runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
}

/**
 * `wrangler dev` on loopback in its own process group; `quiet` hides its output but errors; `env` adds to
 * its environment (e.g. a dev registry of its own, `WRANGLER_REGISTRY_PATH`). Should this process die
 * without stopping it, a guard stops it and deletes `directory` (its state and secrets).
 */
export function startWrangler(
	args: string[],
	cwd: string,
	options: { quiet?: boolean; directory?: string; env?: Record<string, string> } = {},
): ChildProcess {
	const quiet = options.quiet ?? true;
	const child = spawn(
		process.execPath,
		[WRANGLER, "dev", "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--log-level", quiet ? "error" : "log", ...args],
		{
			cwd,
			detached: true,
			stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
			env: { ...wranglerEnv(), ...options.env },
		},
	);
	if (child.pid) {
		const guard = spawn(process.execPath, [GUARD, String(child.pid), ...(options.directory ? [options.directory] : [])], {
			detached: true,
			stdio: ["pipe", "ignore", "ignore"],
		});
		// Neither the guard nor its pipe keeps this process alive.
		guard.unref();
		(guard.stdin as Socket).unref();
		guards.set(child, guard);
	}
	return child;
}

/** Stops `child` and every process it started, and waits until they have exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
	const pgid = child.pid;
	if (pgid && child.exitCode === null && child.signalCode === null) {
		const exited = new Promise((resolve) => child.once("exit", resolve));
		signalGroup(pgid, "SIGTERM");
		if ((await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) === false) signalGroup(pgid, "SIGKILL");
		await exited;
		// workerd children may outlive wrangler's own exit by a moment.
		for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(100);
		if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
	}
	// Whatever is left, the guard ends, and it deletes the server's files.
	guards.get(child)?.stdin?.end();
}

function signalGroup(pgid: number, name: NodeJS.Signals): void {
	try {
		process.kill(-pgid, name);
	} catch {
		// the group is gone already
	}
}

function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Resolves once `url` answers with a status `ok` accepts; fails after `timeoutMs` or when `child` exits first. */
export async function waitFor(
	url: string,
	ok: (status: number) => boolean,
	options: { timeoutMs?: number; child?: ChildProcess } = {},
): Promise<void> {
	const deadline = Date.now() + (options.timeoutMs ?? 60_000);
	while (Date.now() < deadline) {
		if (options.child && options.child.exitCode !== null)
			throw new Error(`wrangler dev exited (code ${options.child.exitCode}) before ${url} answered`);
		try {
			if (ok((await fetch(url)).status)) return;
		} catch {
			// not listening yet
		}
		await sleep(100);
	}
	throw new Error(`${url} did not come up within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s`);
}
