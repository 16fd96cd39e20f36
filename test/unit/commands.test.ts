import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType, PermissionFlagsBits } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/interactions/commands";

describe("command definitions", () => {
	it("has every command of the contract, usable in guilds only", () => {
		expect(COMMANDS.map((c) => c.name).sort()).toEqual(
			["Summarize from here", "catchup", "config", "help", "privacy", "stats", "summaries", "summarize"].sort(),
		);
		for (const command of COMMANDS) expect(command.contexts).toEqual([InteractionContextType.Guild]);
		expect(COMMANDS.find((c) => c.name === "Summarize from here")?.type).toBe(ApplicationCommandType.Message);
	});

	it("bounds /summarize's options as the contract says", () => {
		const summarize = COMMANDS.find((c) => c.name === "summarize");
		const options = Object.fromEntries((summarize && "options" in summarize ? summarize.options : []).map((o) => [o.name, o]));
		expect(options.messages).toMatchObject({ type: ApplicationCommandOptionType.Integer, min_value: 2, max_value: 10_000 });
		expect(options.since).toMatchObject({ type: ApplicationCommandOptionType.String });
		expect(options.channel).toMatchObject({ type: ApplicationCommandOptionType.Channel });
		expect(options.public).toMatchObject({ type: ApplicationCommandOptionType.Boolean });
		expect(options.style).toMatchObject({ choices: expect.arrayContaining([expect.objectContaining({ value: "action_items" })]) });
		expect(Object.keys(options).sort()).toEqual(["channel", "messages", "public", "since", "style"]);
	});

	it("gives /catchup only a style, as the contract says", () => {
		const catchup = COMMANDS.find((c) => c.name === "catchup");
		const options = catchup && "options" in catchup ? catchup.options : [];
		expect(options.map((o) => o.name)).toEqual(["style"]);
		expect(options[0]).toMatchObject({
			type: ApplicationCommandOptionType.String,
			choices: expect.arrayContaining([expect.objectContaining({ value: "bullets" })]),
		});
	});

	it("keeps /config to members with Manage Server", () => {
		const config = COMMANDS.find((c) => c.name === "config")!;
		expect("default_member_permissions" in config && config.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
	});

	it("fits Discord's limits on names and descriptions", () => {
		for (const command of COMMANDS) {
			if (command.type === ApplicationCommandType.ChatInput) {
				expect(command.name).toMatch(/^[a-z_-]{1,32}$/);
				expect(command.description.length).toBeLessThanOrEqual(100);
				for (const option of "options" in command ? command.options : []) expect(option.description.length).toBeLessThanOrEqual(100);
			}
		}
	});
});
