// /help: what the bot does and how to use each command, built from the command definitions
// so it can't drift from what is registered.
import {
	type APIApplicationCommandOption,
	type APIEmbed,
	type APIInteractionResponse,
	ApplicationCommandOptionType,
	ApplicationCommandType,
} from "discord-api-types/payloads/v10";
import { message } from "../discord/responses";
import { CONFIRM_OVER_MESSAGES } from "../domain/estimate";
import { MAX_SINCE_SECONDS, MESSAGES } from "../domain/limits";
import { STYLES } from "../domain/styles";
import { thousands } from "../lib/numbers";
import { DAY_S } from "../lib/time";
import { COMMAND, COMMANDS } from "./commands";

function usage(name: string, options: readonly APIApplicationCommandOption[] = []): string {
	if (options.length && options.every((option) => option.type === ApplicationCommandOptionType.Subcommand)) {
		return options.map((option) => `\`/${name} ${option.name}\``).join(" · ");
	}
	const parts = options.map((option) => ("required" in option && option.required ? option.name : `[${option.name}]`));
	return `\`/${[name, ...parts].join(" ")}\``;
}

const HELP: APIEmbed = {
	title: "Summary Bot",
	description: [
		"I summarize the conversation in a channel or thread, so you can catch up in seconds.",
		"",
		`**Examples**`,
		"`/summarize` — the last 100 messages here, only you see it",
		"`/summarize since:6h style:bullets` — the last six hours as bullet points",
		"`/summarize messages:500 channel:#general public:True` — posted for everyone",
		"`/catchup` — what you missed here since your last message, only you see it",
		"",
		`\`messages\` takes ${MESSAGES.min}–${thousands(MESSAGES.max)}; \`since\` takes durations like \`30m\`, \`6h\`, \`2d\` or \`1w\` (up to ${MAX_SINCE_SECONDS / DAY_S} days).`,
		`Styles: ${Object.values(STYLES).join(", ")}.`,
		"",
		`A range over ${thousands(CONFIRM_OVER_MESSAGES)} messages first shows an estimate of its cost and time, with **Summarize** and **Cancel**.`,
		"Summaries never ping anyone. You can only summarize channels you can read, and a repeated request is answered at once from the cache.",
	].join("\n"),
	fields: COMMANDS.map((command) =>
		command.type === ApplicationCommandType.Message
			? {
					name: COMMAND.summarizeFromHere,
					value: "Right-click (or long-press) a message → **Apps** → **Summarize from here**: everything from that message to now.",
				}
			: {
					name: usage(command.name, "options" in command ? command.options : []),
					value: command.description,
				},
	),
	footer: { text: "Your messages stay yours: message content is never stored or logged." },
};

export function help(): APIInteractionResponse {
	return message({ embeds: [HELP] }, true);
}
