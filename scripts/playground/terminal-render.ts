// What the bot answered, rendered for a terminal the way Discord's client shows it: markdown, mentions and
// timestamps resolved, embeds with their colour bar, jump links with the message they point at, buttons
// with the command that clicks them. Pure: names, the time and colour come in as arguments.
import {
	type APIEmbed,
	type APIInteractionResponse,
	type APIInteractionResponseCallbackData,
	ComponentType,
	InteractionResponseType,
	MessageFlags,
} from "discord-api-types/v10";

export interface Names {
	channels: Record<string, string>;
	users: Record<string, string>;
	roles: Record<string, string>;
}

export interface RenderOptions {
	names: Names;
	/** ANSI colour and weight; off when output is not a terminal. */
	color: boolean;
	now: number;
}

/** The parts of a message body the bot sends: an interaction response's data, a webhook edit or follow-up. */
export type MessageBody = Pick<APIInteractionResponseCallbackData, "content" | "embeds" | "components" | "flags">;

/** Private-use code points stand in for escaped ASCII while the rules run. */
const ESCAPED = 0xe000;
const JUMP = /^https:\/\/discord\.com\/channels\/\d+\/(\d+)\/(\d+)$/;

function style(options: RenderOptions, code: string, text: string): string {
	return options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function relative(seconds: number, now: number): string {
	const delta = Math.round(seconds - now / 1000);
	const units: [number, string][] = [
		[86_400, "day"],
		[3600, "hour"],
		[60, "minute"],
		[1, "second"],
	];
	const [size, unit] = units.find(([size]) => Math.abs(delta) >= size) ?? [1, "second"];
	const count = Math.round(Math.abs(delta) / size);
	const amount = `${count} ${unit}${count === 1 ? "" : "s"}`;
	return delta >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** Discord markdown and mentions as terminal text. */
export function renderMarkdown(text: string, options: RenderOptions): string {
	const { names } = options;
	// Escaped characters (`\*`) are set aside first, so no rule below reads them as markdown.
	return text
		.replace(/\\([*_`~|\\[\]()#>-])/g, (_, char: string) => String.fromCharCode(ESCAPED + char.charCodeAt(0)))
		.replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, label: string, url: string) => {
			const jump = url.match(JUMP);
			if (!jump) return `${label} ${style(options, "4", `<${url}>`)}`;
			return style(options, "36", `[${label} → #${names.channels[jump[1]] ?? jump[1]} ${jump[2]}]`);
		})
		.replace(/<#(\d+)>/g, (_, id: string) => style(options, "36", `#${names.channels[id] ?? "unknown-channel"}`))
		.replace(/<@!?(\d+)>/g, (_, id: string) => style(options, "36", `@${names.users[id] ?? "unknown-user"}`))
		.replace(/<@&(\d+)>/g, (_, id: string) => style(options, "36", `@${names.roles[id] ?? "unknown-role"}`))
		.replace(/<a?:(\w+):\d+>/g, ":$1:")
		.replace(/<t:(-?\d+)(?::([tTdDfFR]))?>/g, (_, unix: string, format?: string) =>
			format === "R"
				? relative(Number(unix), options.now)
				: `${new Date(Number(unix) * 1000).toISOString().replace("T", " ").slice(0, 16)} UTC`,
		)
		.replace(/^#{1,3} (.+)$/gm, (_, heading: string) => style(options, "1", heading))
		.replace(/\*\*(.+?)\*\*/g, (_, bold: string) => style(options, "1", bold))
		.replace(/(^|[^*\w])\*([^*\n]+)\*(?!\w)/g, (_, before: string, italic: string) => before + style(options, "3", italic))
		.replace(/`([^`\n]+)`/g, (_, code: string) => style(options, "33", code))
		.replace(/[\ue000-\ue07f]/g, (char) => String.fromCharCode(char.charCodeAt(0) - ESCAPED));
}

function rgb(color: number | undefined): string {
	const value = color ?? 0x4f545c;
	return `38;2;${value >> 16};${(value >> 8) & 0xff};${value & 0xff}`;
}

export function renderEmbed(embed: APIEmbed, options: RenderOptions): string[] {
	const bar = style(options, rgb(embed.color), "▌");
	const lines: string[] = [];
	const add = (text: string) => lines.push(...text.split("\n").map((line) => `${bar} ${line}`));
	if (embed.author?.name) add(style(options, "2", embed.author.name));
	if (embed.title)
		add(style(options, "1", renderMarkdown(embed.title, options)) + (embed.url ? ` ${style(options, "4", `<${embed.url}>`)}` : ""));
	if (embed.description) add(renderMarkdown(embed.description, options));
	for (const field of embed.fields ?? []) {
		add("");
		add(style(options, "1", renderMarkdown(field.name, options)));
		add(renderMarkdown(field.value, options));
	}
	if (embed.footer?.text) {
		add("");
		add(style(options, "2", embed.footer.text + (embed.timestamp ? ` · ${embed.timestamp}` : "")));
	}
	return lines;
}

/** A message the bot sent, with "only you can see this" when ephemeral and the buttons under it. */
export function renderMessage(body: MessageBody, options: RenderOptions): string[] {
	const lines: string[] = [];
	if (body.content) lines.push(...renderMarkdown(body.content, options).split("\n"));
	for (const embed of body.embeds ?? []) lines.push(...renderEmbed(embed, options));
	for (const row of body.components ?? []) {
		if (row.type !== ComponentType.ActionRow) continue;
		for (const button of row.components) {
			if (button.type !== ComponentType.Button) continue;
			const action = "custom_id" in button ? `npm run discord -- click ${button.custom_id}` : "url" in button ? button.url : "";
			const label = ("label" in button && button.label) || ("emoji" in button && button.emoji?.name) || "button";
			lines.push(`${style(options, "7", ` ${label} `)} ${style(options, "2", action)}`);
		}
	}
	if (((body.flags ?? 0) & MessageFlags.Ephemeral) !== 0) lines.push(style(options, "2", "(only you can see this)"));
	return lines;
}

/** The Worker's immediate answer to an interaction. */
export function renderAnswer(status: number, body: APIInteractionResponse | { error: string }, options: RenderOptions): string[] {
	if (status !== 200 || !("type" in body))
		return [style(options, "31", `The Worker answered ${status}: ${"error" in body ? body.error : JSON.stringify(body)}`)];
	switch (body.type) {
		case InteractionResponseType.Pong:
			return ["PONG"];
		case InteractionResponseType.ChannelMessageWithSource:
			return renderMessage(body.data, options);
		case InteractionResponseType.DeferredChannelMessageWithSource:
			return [
				style(
					options,
					"2",
					`Summary Bot is thinking…${((body.data?.flags ?? 0) & MessageFlags.Ephemeral) !== 0 ? " (only you can see this)" : ""}`,
				),
			];
		case InteractionResponseType.DeferredMessageUpdate:
			return [style(options, "2", "(the bot will replace the message the button is on)")];
		case InteractionResponseType.UpdateMessage:
			return [style(options, "2", "(the message the button is on now reads:)"), ...renderMessage(body.data ?? {}, options)];
		default:
			return [style(options, "2", `answer of type ${body.type}: ${JSON.stringify(body)}`)];
	}
}
