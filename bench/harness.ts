// What the benchmarks share: a key pair to sign interactions with, free ports, `wrangler dev` on
// loopback with the Discord emulator behind it, and interaction payloads.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDiscordEmulator, EMULATOR_BOT_TOKEN } from "../test/stand-ins/discord-emulator.ts";
import { serve } from "../test/stand-ins/serve.ts";

export const ROOT = join(import.meta.dirname, "..");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
export const APPLICATION_ID = "100000000000000001";
/** View Channel, Read Message History, Send Messages. */
const READ = String((1n << 10n) | (1n << 16n) | (1n << 11n));

const { publicKey, privateKey } = generateKeyPairSync("ed25519");
export const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");

/** A benchmark's one JSON line, with when and where it ran. */
export function report(bench: string, fields: Record<string, unknown>): void {
	const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}`;
	console.log(JSON.stringify({ bench, date: new Date().toISOString(), machine, ...fields }));
}

export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

export function startWrangler(args: string[], cwd: string): ChildProcess {
	return spawn(process.execPath, [WRANGLER, "dev", "--ip", "127.0.0.1", "--log-level", "error", ...args], {
		cwd,
		detached: true,
		stdio: ["ignore", "ignore", "inherit"],
		env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
	});
}

export function stopProcess(child: ChildProcess): void {
	if (child.pid) {
		try {
			process.kill(-child.pid, "SIGTERM");
		} catch {
			// already gone
		}
	}
}

export async function waitFor(url: string, ok: (status: number) => boolean): Promise<void> {
	for (let i = 0; i < 600; i++) {
		try {
			if (ok((await fetch(url)).status)) return;
		} catch {
			// not listening yet
		}
		await sleep(100);
	}
	throw new Error(`${url} did not come up`);
}

/** The bot under `wrangler dev`, with fresh state, talking to the Discord emulator on another port. */
export async function startBot(emulatorOptions: Parameters<typeof createDiscordEmulator>[0] = {}) {
	const emulator = await serve(createDiscordEmulator(emulatorOptions));
	const [port, inspector] = [await freePort(), await freePort()];
	const state = mkdtempSync(join(tmpdir(), "summary-bot-bench-"));
	const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
	const migrate = spawnSync(process.execPath, [WRANGLER, "d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env, encoding: "utf8" });
	if (migrate.status !== 0) throw new Error(`applying migrations failed: ${migrate.stderr}`);
	const wrangler = startWrangler(
		[
			"--port", String(port), "--inspector-port", String(inspector), "--persist-to", state,
			"--var", `DISCORD_PUBLIC_KEY:${publicKeyHex}`, "--var", `DISCORD_APPLICATION_ID:${APPLICATION_ID}`,
			"--var", `DISCORD_BOT_TOKEN:${EMULATOR_BOT_TOKEN}`, "--var", `DISCORD_API_BASE:http://127.0.0.1:${emulator.port}/api/v10`,
			"--var", "OPENAI_API_KEY:",
		],
		ROOT,
	);
	const stop = async () => {
		stopProcess(wrangler);
		await emulator.close();
		rmSync(state, { recursive: true, force: true });
	};
	await waitFor(`http://127.0.0.1:${port}/health`, (status) => status === 200);
	return { url: `http://127.0.0.1:${port}`, port, wrangler, emulator: `http://127.0.0.1:${emulator.port}`, stop };
}

export function signed(body: unknown): { body: string; headers: Record<string, string> } {
	const text = JSON.stringify(body);
	const timestamp = String(Math.floor(Date.now() / 1000));
	const signature = sign(null, Buffer.from(timestamp + text), privateKey).toString("hex");
	return { body: text, headers: { "content-type": "application/json", "x-signature-ed25519": signature, "x-signature-timestamp": timestamp } };
}

let counter = ((BigInt(Date.now()) - 1_420_070_400_000n) << 22n) + 1_000_000n;
export const snowflake = () => String(++counter);

export function ping() {
	return { id: snowflake(), application_id: APPLICATION_ID, type: 1, token: "t", version: 1 };
}

export function summarize(guildId: string, channelId: string, userId: string, lastMessageId: string, options: { name: string; type: number; value: number | string }[] = []) {
	return {
		id: snowflake(),
		application_id: APPLICATION_ID,
		type: 2,
		token: `bench-${snowflake()}`,
		version: 1,
		guild_id: guildId,
		channel_id: channelId,
		channel: { id: channelId, type: 0, last_message_id: lastMessageId },
		member: { user: { id: userId, username: "bench" }, roles: [], permissions: READ },
		app_permissions: READ,
		locale: "en-US",
		data: { id: "1", name: "summarize", type: 1, options },
	};
}
