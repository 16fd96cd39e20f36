// Runs beside a detached `wrangler dev` and stops its process group (and deletes its files) if the process
// that started it goes away without doing so, say on a signal or a crash: that closes this guard's stdin.
// A stop that went well closes it too, and then there is nothing left to do.
//   node orphan-guard.ts <process group id> [directory to delete]
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const pgid = Number(process.argv[2]);
const directory = process.argv[3];

function signal(name: NodeJS.Signals | 0): boolean {
	try {
		process.kill(-pgid, name);
		return true;
	} catch {
		return false;
	}
}

process.stdin.resume();
process.stdin.on("close", async () => {
	if (signal("SIGTERM")) {
		for (let i = 0; i < 50 && signal(0); i++) await sleep(100);
		signal("SIGKILL");
	}
	if (directory) rmSync(directory, { recursive: true, force: true });
	process.exit(0);
});
