// A command line as a member would type it in Discord's message box (`summarize messages:200 style:bullets`,
// `privacy opt-out`, `config set style:brief`, `from-here <message id>`, `click <custom_id>`), checked
// against the command definitions the way Discord's client checks it before anything is sent. Pure.
import {
	type APIApplicationCommandBasicOption,
	type APIApplicationCommandInteractionDataBasicOption,
	type APIApplicationCommandInteractionDataOption,
	type APIApplicationCommandOption,
	ApplicationCommandOptionType,
	ApplicationCommandType,
	type ChannelType,
} from "discord-api-types/v10";
import { COMMAND, COMMANDS } from "../../src/interactions/commands.ts";

export type InteractionRequest =
	| { kind: "command"; name: string; options: APIApplicationCommandInteractionDataOption[]; label: string }
	| { kind: "from-here"; messageId: string; label: string }
	/** `message`: the one clicked on, when known (the channel page knows; the CLI's `click` makes one up). */
	| { kind: "button"; customId: string; label: string; message?: { id: string; customIds: string[] } };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ChannelRef {
	id: string;
	name: string;
	type: ChannelType;
}

const FROM_HERE = "from-here";
const CLICK = "click";
const SNOWFLAKE = /^\d{17,20}$/;

/** Splits a typed line into words; quotes keep spaces in a value (`since:"2 d"`, `"channel:my channel"`). */
export function tokenize(line: string): string[] {
	const words: string[] = [];
	for (const match of line.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)) words.push(match[0].replace(/["']/g, ""));
	return words;
}

/** The channel a name (`general`, `#general`), mention (`<#id>`) or id refers to. */
export function findChannel(channels: readonly ChannelRef[], text: string): ChannelRef | undefined {
	const key = text
		.replace(/^<#(\d+)>$/, "$1")
		.replace(/^#/, "")
		.toLowerCase();
	return channels.find((channel) => channel.id === key || channel.name.toLowerCase() === key);
}

function optionValue(
	option: APIApplicationCommandBasicOption,
	raw: string,
	channels: readonly ChannelRef[],
): Parsed<string | number | boolean> {
	const name = `\`${option.name}\``;
	switch (option.type) {
		case ApplicationCommandOptionType.Integer:
		case ApplicationCommandOptionType.Number: {
			const integer = option.type === ApplicationCommandOptionType.Integer;
			const value = Number(raw);
			if (raw.trim() === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
				return { ok: false, error: `${name} takes a ${integer ? "whole " : ""}number, not "${raw}".` };
			if ((option.min_value !== undefined && value < option.min_value) || (option.max_value !== undefined && value > option.max_value)) {
				return { ok: false, error: `${name} must be from ${option.min_value ?? "−∞"} to ${option.max_value ?? "∞"}.` };
			}
			return { ok: true, value };
		}
		case ApplicationCommandOptionType.Boolean: {
			const value = raw.toLowerCase();
			if (value !== "true" && value !== "false") return { ok: false, error: `${name} takes true or false, not "${raw}".` };
			return { ok: true, value: value === "true" };
		}
		case ApplicationCommandOptionType.Channel: {
			const channel = findChannel(channels, raw);
			if (!channel) return { ok: false, error: `No channel "${raw}" here. Channels: ${channels.map((c) => `#${c.name}`).join(", ")}.` };
			if (option.channel_types && !option.channel_types.includes(channel.type as (typeof option.channel_types)[number]))
				return { ok: false, error: `${name} can't be #${channel.name}.` };
			return { ok: true, value: channel.id };
		}
		case ApplicationCommandOptionType.String: {
			if (option.choices) {
				const choice = option.choices.find((c) => c.value === raw || c.name.toLowerCase() === raw.toLowerCase());
				if (!choice) return { ok: false, error: `${name} is one of ${option.choices.map((c) => `\`${c.value}\``).join(", ")}.` };
				return { ok: true, value: choice.value };
			}
			if (option.max_length !== undefined && raw.length > option.max_length)
				return { ok: false, error: `${name} takes at most ${option.max_length} characters.` };
			return { ok: true, value: raw };
		}
		default:
			return { ok: false, error: `${name} can't be typed here.` };
	}
}

/** `name:value` words (and, for an option that is the only required one, a bare value) as typed options. */
function optionsOf(
	command: string,
	defined: readonly APIApplicationCommandOption[],
	words: string[],
	channels: readonly ChannelRef[],
): Parsed<APIApplicationCommandInteractionDataBasicOption[]> {
	const basic = defined as readonly APIApplicationCommandBasicOption[];
	const required = basic.filter((option) => "required" in option && option.required);
	const given = new Map<string, APIApplicationCommandInteractionDataBasicOption>();
	for (const word of words) {
		const colon = word.indexOf(":");
		const [name, raw] = colon > 0 ? [word.slice(0, colon), word.slice(colon + 1)] : [required.length === 1 ? required[0].name : "", word];
		const option = basic.find((o) => o.name === name);
		if (!option) {
			const known = basic.map((o) => `${o.name}:`).join(" ");
			return {
				ok: false,
				error:
					colon > 0
						? `/${command} has no option \`${name}\`. ${known ? `Options: ${known}` : "It takes no options."}`
						: `"${word}" is not an option: write it as name:value (${known || "no options"}).`,
			};
		}
		if (given.has(option.name)) return { ok: false, error: `\`${option.name}\` is given twice.` };
		const value = optionValue(option, raw, channels);
		if (!value.ok) return value;
		given.set(option.name, { name: option.name, type: option.type, value: value.value } as APIApplicationCommandInteractionDataBasicOption);
	}
	const missing = required.filter((option) => !given.has(option.name));
	if (missing.length)
		return { ok: false, error: `/${command} needs ${missing.map((o) => `\`${o.name}:\``).join(" and ")}${choicesHint(missing[0])}.` };
	return { ok: true, value: [...given.values()] };
}

function choicesHint(option: APIApplicationCommandBasicOption): string {
	return option.type === ApplicationCommandOptionType.String && option.choices ? ` (${option.choices.map((c) => c.value).join(", ")})` : "";
}

/** Parses a command line (with or without the leading `/`) into what to send. */
export function parseCommandLine(words: readonly string[], channels: readonly ChannelRef[]): Parsed<InteractionRequest> {
	const [first, ...rest] = words;
	if (!first) return { ok: false, error: `Type a command: ${commandNames()}.` };
	const name = first.replace(/^\//, "");
	const label = `/${[name, ...rest].join(" ")}`;
	if (name === FROM_HERE || name === COMMAND.summarizeFromHere) {
		const [messageId] = rest;
		if (rest.length !== 1 || !SNOWFLAKE.test(messageId))
			return { ok: false, error: `${FROM_HERE} takes one message id, like \`${FROM_HERE} 1304554112233445566\`.` };
		return { ok: true, value: { kind: "from-here", messageId, label: `Apps → ${COMMAND.summarizeFromHere}` } };
	}
	if (name === CLICK) {
		if (rest.length !== 1)
			return { ok: false, error: `${CLICK} takes a button's custom_id, like \`${CLICK} summary:detail:<channel>:n100:brief\`.` };
		return { ok: true, value: { kind: "button", customId: rest[0], label: `button ${rest[0]}` } };
	}
	const command = COMMANDS.find((c) => c.type === ApplicationCommandType.ChatInput && c.name === name);
	if (!command || command.type !== ApplicationCommandType.ChatInput)
		return { ok: false, error: `Unknown command "${first}". Commands: ${commandNames()}.` };
	const defined: readonly APIApplicationCommandOption[] = "options" in command ? command.options : [];
	const subcommands = defined.filter((option) => option.type === ApplicationCommandOptionType.Subcommand);
	if (!subcommands.length) {
		const options = optionsOf(name, defined, rest, channels);
		return options.ok ? { ok: true, value: { kind: "command", name, options: options.value, label } } : options;
	}
	const [subName, ...subWords] = rest;
	const sub = subcommands.find((option) => option.name === subName);
	if (!sub) return { ok: false, error: `/${name} needs one of: ${subcommands.map((s) => `${name} ${s.name}`).join(", ")}.` };
	const options = optionsOf(`${name} ${sub.name}`, "options" in sub ? (sub.options ?? []) : [], subWords, channels);
	if (!options.ok) return options;
	return {
		ok: true,
		value: {
			kind: "command",
			name,
			options: [{ type: ApplicationCommandOptionType.Subcommand, name: sub.name, options: options.value }],
			label,
		},
	};
}

function commandNames(): string {
	return [...COMMANDS.filter((c) => c.type === ApplicationCommandType.ChatInput).map((c) => c.name), FROM_HERE, CLICK].join(", ");
}

/** One line per command, from the definitions: `summarize [messages:] [since:] …`. */
export function usageLines(): string[] {
	const word = (option: APIApplicationCommandOption) => {
		const choices =
			option.type === ApplicationCommandOptionType.String && option.choices ? option.choices.map((c) => c.value).join("|") : "value";
		return "required" in option && option.required ? `${option.name}:<${choices}>` : `[${option.name}:]`;
	};
	const line = (name: string, options: readonly APIApplicationCommandOption[]) => [name, ...options.map(word)].join(" ");
	return [
		...COMMANDS.flatMap((c) => {
			if (c.type !== ApplicationCommandType.ChatInput) return [];
			const options: readonly APIApplicationCommandOption[] = "options" in c ? c.options : [];
			const subs = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
			return subs.length ? subs.map((s) => line(`${c.name} ${s.name}`, "options" in s ? (s.options ?? []) : [])) : [line(c.name, options)];
		}),
		`${FROM_HERE} <message id>          (Apps → ${COMMAND.summarizeFromHere})`,
		`${CLICK} <custom_id>               (a button under a summary)`,
	];
}
