// `npm run discord -- <command> [option:value …] [--in <channel>]`: acts as a member of the playground's
// guild. Sends a real signed interaction to the Worker that `npm start` runs, prints the bot's answer,
// then follows what the bot sends to the interaction's webhook in the emulator (progress, then the result).

import { createClient, isDeferred, isProgress, type PlaygroundState } from "./playground/client.ts";
import { findChannel, parseCommandLine, usageLines } from "./playground/command-line.ts";
import { readState } from "./playground/state.ts";
import { type MessageBody, type RenderOptions, renderAnswer, renderMessage } from "./playground/terminal-render.ts";

const USAGE = [
	"usage: npm run discord -- <command> [option:value …] [--in <channel>]",
	"",
	"Commands, as you would type them in Discord (options in any order):",
	...usageLines().map((line) => `  ${line}`),
	"",
	"  --in <channel>   where you use the command (default: #general)",
	"",
	"Examples:",
	"  npm run discord -- summarize messages:200 style:bullets",
	"  npm run discord -- summarize channel:release-friday since:2d public:true",
	"  npm run discord -- catchup style:bullets --in engineering",
	"  npm run discord -- privacy opt-out",
	"  npm run discord -- config view",
].join("\n");

function fail(message: string, code = 1): never {
	console.error(message);
	process.exit(code);
}

/** `--in <channel>` (or `--in=<channel>`) and the words of the command. */
function splitArguments(args: string[]): { words: string[]; where?: string; help: boolean } {
	const words: string[] = [];
	let where: string | undefined;
	let help = false;
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (arg === "--help" || arg === "-h") help = true;
		else if (arg === "--in") where = args[++i] ?? fail("--in needs a channel, like --in engineering", 2);
		else if (arg.startsWith("--in=")) where = arg.slice(5);
		else if (arg.startsWith("--")) fail(`Unknown flag ${arg}.\n\n${USAGE}`, 2);
		else words.push(arg);
	}
	return { words, where, help };
}

function renderOptions(state: PlaygroundState): RenderOptions {
	const { guild } = state;
	return {
		names: {
			channels: Object.fromEntries(guild.channels.map((channel) => [channel.id, channel.name])),
			roles: Object.fromEntries(guild.roles.map((role) => [role.id, role.name])),
			users: { [guild.member.id]: guild.member.global_name ?? guild.member.username },
		},
		color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
		now: Date.now(),
	};
}

async function main(): Promise<void> {
	const { words, where, help } = splitArguments(process.argv.slice(2));
	if (help) {
		console.log(USAGE);
		return;
	}
	if (!words.length) fail(USAGE, 2);
	const saved = readState();
	if (!saved.ok) fail(saved.error);
	const state = saved.value;
	const channels = state.guild.channels;
	const channel = where === undefined ? channels[0] : findChannel(channels, where);
	if (!channel) fail(`No channel "${where}" in ${state.guild.name}. Channels: ${channels.map((c) => `#${c.name}`).join(", ")}.`, 2);
	const parsed = parseCommandLine(words, channels);
	if (!parsed.ok) fail(`${parsed.error}\n\nnpm run discord -- --help shows every command.`, 2);

	const client = createClient(state);
	const interaction = await client
		.build(parsed.value, channel.id)
		.catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
	const answer = await client
		.send(interaction)
		.catch(() => fail(`The Worker at ${state.workerUrl} doesn't answer. Is \`npm start\` still running?`));
	// The channel page shows the CLI's interactions too; it is a courtesy, so a failure here is ignored.
	await fetch(`${state.emulatorUrl}/__playground/log`, {
		method: "POST",
		body: JSON.stringify({ channelId: channel.id, token: interaction.token, label: parsed.value.label, answer }),
	}).catch(() => undefined);

	const options = renderOptions(state);
	const print = (lines: string[]) => console.log(lines.join("\n"));
	console.log(`@${state.guild.member.username} in #${channel.name}: ${parsed.value.label}\n`);
	print(renderAnswer(answer.status, answer.body, options));
	if (!isDeferred(answer)) return;

	let printed = 0;
	let lastProgress = "";
	for await (const records of client.follow(interaction.token)) {
		for (const record of records.slice(printed)) {
			const body = record.body as MessageBody;
			if (isProgress(body)) {
				if (body.content !== lastProgress) console.log(`  ${body.content}`);
				lastProgress = body.content ?? "";
				continue;
			}
			console.log(record.messageId === "@original" ? "\nSummary Bot:" : "\nSummary Bot (follow-up):");
			print(
				renderMessage(
					record.method === "PATCH" && record.messageId === "@original"
						? { ...body, flags: "data" in answer.body ? answer.body.data?.flags : undefined }
						: body,
					options,
				),
			);
		}
		printed = records.length;
	}
}

await main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
