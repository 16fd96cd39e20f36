// `npm run bench:scale`: the Discord budget at scale. Runs bench/scale/consumers.scale.ts inside workerd (vitest with
// the Worker's real bindings, the coordinator Durable Object among them, and the Discord emulator behind it), and
// prints its result as one JSON line. About two and a half minutes: six runs of 20 s and the seeding.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT, report } from "./harness.ts";

const output = await new Promise<string>((resolve, reject) => {
	const vitest = spawn(join(ROOT, "node_modules/.bin/vitest"), ["run", "--config", "bench/scale/vitest.config.ts"], {
		cwd: ROOT,
		stdio: ["ignore", "pipe", "inherit"],
	});
	let text = "";
	vitest.stdout.setEncoding("utf8").on("data", (chunk: string) => {
		text += chunk;
		for (const line of chunk.split("\n"))
			if (line.includes("SCALE-RUN ")) process.stderr.write(`${line.slice(line.indexOf("SCALE-RUN "))}\n`);
	});
	vitest.on("error", reject);
	vitest.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`vitest exited with ${code}\n${text}`))));
});
const line = output.split("\n").find((text) => text.includes("SCALE {"));
if (!line) throw new Error(`no result in the simulation's output:\n${output}`);
report("scale", JSON.parse(line.slice(line.indexOf("SCALE {") + "SCALE ".length)));
