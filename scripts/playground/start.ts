// `npm start`: the whole bot running locally against the Discord emulator, on friendly ports (8787 for the
// Worker, 8788 for the emulator and its channel page, or free ones when those are taken). Writes the state
// file the CLI (`npm run discord`) reads; Ctrl-C or SIGTERM stops everything it started.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import type { APIMessage } from "discord-api-types/v10";
import { ROOT } from "./processes.ts";
import { type LocalStack, startLocalStack } from "./stack.ts";
import { removeState, STATE_FILE, writeState } from "./state.ts";

/** The LLM settings: the environment first, then `.dev.vars` (only OPENAI_*: Discord is the emulator here). */
function llmSettings(): { openaiApiKey?: string; openaiBaseUrl?: string; openaiModel?: string } {
	const file = join(ROOT, ".dev.vars");
	const devVars = existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
	const get = (name: string) => process.env[name] || devVars[name] || undefined;
	return { openaiApiKey: get("OPENAI_API_KEY"), openaiBaseUrl: get("OPENAI_BASE_URL"), openaiModel: get("OPENAI_MODEL") };
}

async function banner(stack: LocalStack, llm: ReturnType<typeof llmSettings>, adminToken: string): Promise<string> {
	const general = stack.channels.general;
	const history: APIMessage[] = await (await fetch(`${stack.emulatorUrl}/__emulator/channels/${general.id}/messages?limit=100`)).json();
	const older = history.at(-1);
	const summarizer = llm.openaiApiKey
		? `${llm.openaiModel ?? "gpt-4o-mini"} at ${llm.openaiBaseUrl ?? "OpenAI"} (extractive when it fails)`
		: "built-in extractive (set OPENAI_API_KEY to use an LLM)";
	const channels = stack.guild.channels.map((channel) => `#${channel.name}`).join(" ");
	return [
		"",
		"Summary Bot is running locally.",
		"",
		`  Worker         ${stack.workerUrl}  (POST /interactions, GET /health)`,
		`  Channel page   ${stack.emulatorUrl}/  — ${stack.guild.name} as Discord shows it; type /summarize there`,
		`  Discord API    ${stack.emulatorUrl}/api/v10  (the emulator: ${channels})`,
		`  Summarizer     ${summarizer}`,
		`  Admin          ${stack.workerUrl}/admin  (Authorization: Bearer ${adminToken})`,
		`  You are        @${stack.guild.member.username}, a moderator of ${stack.guild.name}`,
		"",
		"From another terminal:",
		"  npm run discord -- summarize messages:200 style:bullets",
		"  npm run discord -- summarize channel:engineering since:6h public:true",
		...(older ? [`  npm run discord -- from-here ${older.id}`] : []),
		"  npm run discord -- catchup         (what you missed since your last message)",
		"  npm run discord -- help            (and summaries, stats, privacy, config; --in <channel>)",
		"",
		`State for the CLI: ${STATE_FILE}. Ctrl-C stops everything.`,
		"",
	].join("\n");
}

const llm = llmSettings();
const adminToken = process.env.ADMIN_TOKEN || randomBytes(18).toString("base64url");
console.log("Starting Summary Bot with a local Discord emulator…");
let stack: LocalStack;
try {
	stack = await startLocalStack({ port: 8787, emulatorPort: 8788, adminToken, ...llm, quiet: false });
} catch (error) {
	console.error(`\nCould not start: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
	if (stopping) return;
	stopping = true;
	console.log("\nStopping…");
	removeState();
	await stack.stop();
	console.log("Stopped: wrangler dev, its workerd processes and the emulator are gone.");
	process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
stack.wrangler.once("exit", (code) => {
	if (stopping) return;
	console.error(`\nwrangler dev exited (code ${code}).`);
	void shutdown(1);
});

writeState(stack);
console.log(await banner(stack, llm, adminToken));
