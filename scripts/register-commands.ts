// Uploads the command definitions to Discord, replacing whatever the application had.
// Kept apart from the CLI (register.ts) with fetch and sleep passed in, so tests can drive it.
import packageJson from "../package.json" with { type: "json" };
import { COMMANDS } from "../src/interactions/commands.ts";

export interface RegisterOptions {
	apiBase: string;
	applicationId: string;
	botToken: string;
	/** Register in one guild only (updates instantly; handy while developing). */
	guildId?: string;
	fetch?: typeof fetch;
	sleep?: (ms: number) => Promise<void>;
	/** How many 429s to wait out before giving up. */
	maxRetries?: number;
}

export class RegisterError extends Error {}

function describeFailure(status: number, body: string): string {
	let detail = body.slice(0, 2000);
	try {
		const parsed = JSON.parse(body) as { message?: string; code?: number; errors?: unknown };
		detail = [parsed.message, parsed.code !== undefined ? `(code ${parsed.code})` : "", parsed.errors ? JSON.stringify(parsed.errors) : ""]
			.filter(Boolean)
			.join(" ");
	} catch {
		// Not JSON: show the text as it came.
	}
	const hint =
		status === 401
			? " Check DISCORD_BOT_TOKEN."
			: status === 403 || status === 404
				? " Check DISCORD_APPLICATION_ID (and the guild id), and that the bot token belongs to that application."
				: "";
	return `Discord refused the commands: HTTP ${status} ${detail}.${hint}`;
}

/** Returns the names Discord now has registered. */
export async function registerCommands(options: RegisterOptions): Promise<string[]> {
	const { apiBase, applicationId, botToken, guildId, maxRetries = 3 } = options;
	const doFetch = options.fetch ?? fetch;
	const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
	if (!applicationId || !/^\d+$/.test(applicationId)) throw new RegisterError("DISCORD_APPLICATION_ID is missing or not a numeric id.");
	if (!botToken) throw new RegisterError("DISCORD_BOT_TOKEN is missing.");

	const url = `${apiBase.replace(/\/$/, "")}/applications/${applicationId}${guildId ? `/guilds/${guildId}` : ""}/commands`;
	for (let attempt = 0; ; attempt++) {
		let response: Response;
		try {
			response = await doFetch(url, {
				method: "PUT",
				headers: {
					authorization: `Bot ${botToken}`,
					"content-type": "application/json",
					"user-agent": `DiscordBot (${packageJson.homepage}, ${packageJson.version})`,
				},
				body: JSON.stringify(COMMANDS),
			});
		} catch (error) {
			const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
			throw new RegisterError(`Could not reach ${apiBase}: ${error instanceof Error ? error.message : String(error)}${cause}`);
		}
		const text = await response.text();
		if (response.status === 429 && attempt < maxRetries) {
			const retryAfter = Number(
				(JSON.parse(text || "{}") as { retry_after?: number }).retry_after ?? response.headers.get("retry-after") ?? 1,
			);
			await sleep(Math.ceil(retryAfter * 1000));
			continue;
		}
		if (!response.ok) throw new RegisterError(describeFailure(response.status, text));
		return (JSON.parse(text) as { name: string }[]).map((command) => command.name);
	}
}
