// The whole bot running locally: the Discord emulator seeded with a guild, a fresh local D1 with the
// migrations applied, and `wrangler dev` (Worker, Durable Objects, Queue, D1) pointed at the emulator,
// with an Ed25519 key pair made up for the run. Used by `npm start`, the browser tests and the benchmarks.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDiscordEmulator, EMULATOR_BOT_TOKEN } from "../../test/stand-ins/discord-emulator.ts";
import { type Served, serve } from "../../test/stand-ins/serve.ts";
import { createClient, type PlaygroundClient, type PlaygroundState } from "./client.ts";
import { PLAYGROUND_GUILD, type PlaygroundChannel, type PlaygroundGuild, seedGuild } from "./guild.ts";
import { generateSigningKeys, type SigningKeys } from "./keys.ts";
import { withChannelPage } from "./page.ts";
import { applyMigrations, freePort, ROOT, startWrangler, stopProcess, waitFor } from "./processes.ts";

export const APPLICATION_ID = "100000000000000001";

export interface StackOptions {
	/** The Worker's port; taken if free, otherwise any free port. Default: any. */
	port?: number;
	/** The emulator's port, likewise. */
	emulatorPort?: number;
	/** Enables /admin with this bearer token. */
	adminToken?: string;
	/** Use this LLM (and base URL, model) instead of the built-in extractive summarizer. */
	openaiApiKey?: string;
	openaiBaseUrl?: string;
	openaiModel?: string;
	/** The guild's history: `scale` multiplies every channel's message count (default 1: ~5,000 messages); false: no guild. */
	seed?: false | { scale?: number };
	/** Options of the Discord emulator (e.g. a per-page latency for benchmarks). */
	emulator?: Parameters<typeof createDiscordEmulator>[0];
	/** The key pair the Worker trusts; default: a new one. */
	keys?: SigningKeys;
	/** Hide wrangler's output but errors (default true). */
	quiet?: boolean;
	/** More `wrangler dev` arguments (benchmarks: e.g. `--alias` to swap a module for a measurement). */
	wranglerArgs?: string[];
	/** More of `wrangler dev`'s environment (benchmarks: a dev registry of their own). */
	wranglerEnv?: Record<string, string>;
}

export interface LocalStack extends PlaygroundState {
	guildId: string;
	/** The guild's channels by name. */
	channels: Record<string, PlaygroundChannel>;
	client: PlaygroundClient;
	port: number;
	wrangler: ChildProcess;
	/** The run's local state (D1, Durable Objects), for `wrangler d1 execute --local --persist-to`. */
	persistTo: string;
	/** Stops wrangler dev and everything it runs, closes the emulator, deletes the run's files. Idempotent. */
	stop(): Promise<void>;
}

/** Vars and secrets for `wrangler dev`, as an env file: nothing secret on a command line, and `.dev.vars` is left out. */
function envFile(path: string, vars: Record<string, string>): void {
	const lines = Object.entries(vars).map(([name, value]) => {
		if (/['\n\r]/.test(value)) throw new Error(`${name} may not contain quotes or line breaks`);
		return `${name}='${value}'`;
	});
	writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}

/** The bot's vars and secrets for a stack whose Discord is the emulator at `emulatorUrl`, as an env file at `path`. */
function writeStackVars(path: string, keys: SigningKeys, emulatorUrl: string, options: StackOptions): void {
	envFile(path, {
		DISCORD_PUBLIC_KEY: keys.publicKeyHex,
		DISCORD_APPLICATION_ID: APPLICATION_ID,
		DISCORD_BOT_TOKEN: EMULATOR_BOT_TOKEN,
		DISCORD_API_BASE: `${emulatorUrl}/api/v10`,
		OPENAI_API_KEY: options.openaiApiKey ?? "",
		...(options.openaiBaseUrl ? { OPENAI_BASE_URL: options.openaiBaseUrl } : {}),
		...(options.openaiModel ? { OPENAI_MODEL: options.openaiModel } : {}),
		ADMIN_TOKEN: options.adminToken ?? "",
	});
}

/**
 * `wrangler dev` of the bot on `port`, its Discord the emulator at `emulatorUrl`: a fresh local state under `dir`
 * (`name` tells two servers of one run apart) with the migrations applied, and its vars in an env file beside it.
 * Resolves once /health answers; stopped again if it never does.
 */
export async function startDevServer(
	dir: string,
	name: string,
	port: number,
	keys: SigningKeys,
	emulatorUrl: string,
	options: StackOptions = {},
): Promise<{ wrangler: ChildProcess; persistTo: string }> {
	const persistTo = join(dir, `${name}-state`);
	applyMigrations(persistTo);
	const vars = join(dir, `${name}.env`);
	writeStackVars(vars, keys, emulatorUrl, options);
	const inspector = await freePort();
	const wrangler = startWrangler(
		[
			"--port",
			String(port),
			"--inspector-port",
			String(inspector),
			"--persist-to",
			persistTo,
			"--env-file",
			vars,
			...(options.wranglerArgs ?? []),
		],
		ROOT,
		{ quiet: options.quiet, directory: dir, env: options.wranglerEnv },
	);
	try {
		await waitFor(`http://127.0.0.1:${port}/health`, (status) => status === 200, { child: wrangler, timeoutMs: 120_000 });
	} catch (error) {
		await stopProcess(wrangler);
		throw error;
	}
	return { wrangler, persistTo };
}

export async function startLocalStack(options: StackOptions = {}): Promise<LocalStack> {
	const keys = options.keys ?? generateSigningKeys();
	const guild: PlaygroundGuild = options.seed === false ? { ...PLAYGROUND_GUILD, channels: [] } : PLAYGROUND_GUILD;
	const dir = mkdtempSync(join(tmpdir(), "summary-bot-stack-"));
	const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			for (const cleanup of cleanups.reverse()) await cleanup();
		})());

	try {
		const port = await freePort(options.port);
		const workerUrl = `http://127.0.0.1:${port}`;
		const emulatorPort = await freePort(options.emulatorPort);
		const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
		const state: PlaygroundState = { workerUrl, emulatorUrl, applicationId: APPLICATION_ID, keys, guild };
		const client = createClient(state);
		const emulator: Served = await serve(withChannelPage(createDiscordEmulator(options.emulator), client), emulatorPort);
		cleanups.push(() => emulator.close());
		if (options.seed !== false) await seedGuild(emulatorUrl, guild, options.seed?.scale);

		const { wrangler, persistTo } = await startDevServer(dir, "bot", port, keys, emulatorUrl, options);
		cleanups.push(() => stopProcess(wrangler));

		return {
			...state,
			guildId: guild.id,
			channels: Object.fromEntries(guild.channels.map((channel) => [channel.name, channel])),
			client,
			port,
			wrangler,
			persistTo,
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
