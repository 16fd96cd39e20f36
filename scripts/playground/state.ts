// The state file `npm start` leaves for the CLI: where the Worker and the emulator run, the application's
// private key and the guild. Under .wrangler/ (git-ignored); removed when the playground stops.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PlaygroundState } from "./client.ts";
import type { Parsed } from "./command-line.ts";
import { ROOT } from "./processes.ts";

export const STATE_FILE = join(ROOT, ".wrangler/playground.json");
const NOT_RUNNING = "The playground isn't running: start it with `npm start` in another terminal, then try again.";

type Saved = PlaygroundState & { pid: number };

export function writeState(state: PlaygroundState): void {
	mkdirSync(dirname(STATE_FILE), { recursive: true });
	const { workerUrl, emulatorUrl, applicationId, keys, guild } = state;
	const saved: Saved = { workerUrl, emulatorUrl, applicationId, keys, guild, pid: process.pid };
	writeFileSync(STATE_FILE, JSON.stringify(saved, null, "\t"), { mode: 0o600 });
}

/** Removes the state file if this process wrote it. */
export function removeState(): void {
	try {
		if ((JSON.parse(readFileSync(STATE_FILE, "utf8")) as Saved).pid === process.pid) rmSync(STATE_FILE);
	} catch {
		// gone already
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The running playground's state, or why there is none. */
export function readState(): Parsed<PlaygroundState> {
	let saved: Saved;
	try {
		saved = JSON.parse(readFileSync(STATE_FILE, "utf8")) as Saved;
	} catch {
		return { ok: false, error: NOT_RUNNING };
	}
	if (!alive(saved.pid)) return { ok: false, error: NOT_RUNNING };
	const { pid: _, ...state } = saved;
	return { ok: true, value: state };
}
