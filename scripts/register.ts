// `npm run register [-- --guild <id>]`: bulk-overwrites the application's commands with src/discord/commands.ts.
// Reads DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN and DISCORD_API_BASE from the environment or .dev.vars.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { RegisterError, registerCommands } from "./register-commands.ts";

const { values } = parseArgs({ options: { guild: { type: "string" } } });
if (existsSync(".dev.vars")) process.loadEnvFile(".dev.vars");

const apiBase = process.env.DISCORD_API_BASE || "https://discord.com/api/v10";
try {
	const names = await registerCommands({
		apiBase,
		applicationId: process.env.DISCORD_APPLICATION_ID ?? "",
		botToken: process.env.DISCORD_BOT_TOKEN ?? "",
		guildId: values.guild,
	});
	console.log(`Registered ${names.length} commands${values.guild ? ` in guild ${values.guild}` : ""} at ${apiBase}: ${names.join(", ")}`);
} catch (error) {
	console.error(error instanceof RegisterError ? error.message : error);
	process.exit(1);
}
