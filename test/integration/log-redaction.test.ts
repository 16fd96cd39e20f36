// No log line carries a credential: an interaction token (it edits the bot's message for 15 minutes)
// or one of the Worker's secrets, whatever the failure quotes.
import { env } from "cloudflare:workers";
import { ApplicationCommandOptionType } from "discord-api-types/v10";
import { afterEach, describe, expect, it, vi } from "vitest";
import { reason } from "../../src/lib/log";
import { chatCommand, sendOk } from "../helpers/interactions";
import { injectFault } from "../helpers/stand-in";

/** Every line the Worker logs from now on, both levels. */
function captureLogs(): string[] {
	const lines: string[] = [];
	const keep = (line: unknown) => void lines.push(String(line));
	vi.spyOn(console, "error").mockImplementation(keep);
	vi.spyOn(console, "log").mockImplementation(keep);
	return lines;
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe("the Worker's log", () => {
	it("names a webhook delivery that failed without the interaction token", async () => {
		const lines = captureLogs();
		const interaction = chatCommand("privacy", [{ name: "action", type: ApplicationCommandOptionType.String, value: "status" }]);
		await injectFault(`/webhooks/${env.DISCORD_APPLICATION_ID}/${interaction.token}/messages/@original`, 404);

		expect(await sendOk(interaction)).toMatchObject({ type: 5 });
		const undelivered = await vi.waitUntil(() => lines.find((line) => line.includes('"privacy.failed.undelivered"')), {
			timeout: 10_000,
			interval: 20,
		});

		expect(JSON.parse(undelivered)).toEqual({
			event: "privacy.failed.undelivered",
			reason: `Error: PATCH /webhooks/${env.DISCORD_APPLICATION_ID}/:token/messages/@original: 404 injected fault`,
		});
		expect(lines.filter((line) => line.includes(interaction.token))).toEqual([]);
	});

	it("redacts the bot token by its value once the Worker has served a request", async () => {
		await sendOk(chatCommand("help"));
		expect(reason(new Error(`upstream echoed ${env.DISCORD_BOT_TOKEN} back`))).toBe("Error: upstream echoed [redacted] back");
	});
});
