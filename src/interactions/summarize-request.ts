// Turns a /summarize or "Summarize from here" interaction into a summary request, or into the
// reason it can't be one: a bad option or a missing permission. Pure: no I/O.
import {
	type APIApplicationCommandInteraction,
	type APIApplicationCommandInteractionDataOption,
	type APIChatInputApplicationCommandInteraction,
	type APIMessageApplicationCommandInteraction,
	type APIMessageComponentInteraction,
	ApplicationCommandOptionType,
	ChannelType,
} from "discord-api-types/payloads/v10";
import { type ButtonRequest, isOwnButton } from "../discord/buttons";
import { canManageThreads, listNames, missingToRead } from "../discord/permissions";
import { type Range, type SummaryRequest, TOKEN_LIFETIME_MS, type Unchosen } from "../domain/job";
import { MAX_SINCE_SECONDS, MESSAGES } from "../domain/limits";
import { timeOf } from "../domain/snowflake";
import { DEFAULT_STYLE, STYLES, type Style } from "../domain/styles";
import { parseDuration } from "../lib/duration";
import { err, ok, type Result } from "../lib/result";

/**
 * A summary request with the channel's newest message when Discord sent the interaction, if it said, and
 * what the member left to the guild's defaults (the style and language here are the built-in ones until
 * the guild's apply).
 */
export type ParsedRequest = SummaryRequest & {
	lastMessageId: string | undefined;
	unchosen: Unchosen;
	/** Summarize under an estimate: the answer replaces the message clicked, rather than being a new one. */
	inPlace?: boolean;
};

export type Parsed = Result<ParsedRequest>;

type OptionValue = string | number | boolean;

function optionValues(options: APIApplicationCommandInteractionDataOption[] | undefined): Map<string, OptionValue> {
	const values = new Map<string, OptionValue>();
	for (const option of options ?? []) {
		if (option.type !== ApplicationCommandOptionType.Subcommand && option.type !== ApplicationCommandOptionType.SubcommandGroup) {
			values.set(option.name, option.value);
		}
	}
	return values;
}

/** Where the command was used, and who used it; undefined outside a guild. */
function origin(interaction: APIApplicationCommandInteraction | APIMessageComponentInteraction) {
	const channelId = interaction.channel?.id ?? interaction.channel_id;
	if (!interaction.guild_id || !interaction.member || !channelId) return undefined;
	const channel = interaction.channel;
	return {
		guildId: interaction.guild_id,
		userId: interaction.member.user.id,
		channelId,
		origin: channelId,
		lastMessageId: channel && "last_message_id" in channel ? (channel.last_message_id ?? undefined) : undefined,
		locale: interaction.locale,
	};
}

const GUILD_ONLY = "Summaries work in server channels only. Use this command in a server where Summary Bot is installed.";

function rangeOf(values: Map<string, OptionValue>): Result<Range> {
	const messages = values.get("messages") ?? MESSAGES.default;
	if (typeof messages !== "number" || !Number.isInteger(messages) || messages < MESSAGES.min || messages > MESSAGES.max) {
		return err(`\`messages\` must be a whole number from ${MESSAGES.min} to ${MESSAGES.max}.`);
	}
	const since = values.get("since");
	if (since === undefined) return ok({ kind: "count", messages });
	const duration = parseDuration(String(since), MAX_SINCE_SECONDS);
	if (!duration.ok) return duration;
	// With both options, the time range is capped at that many of its newest messages.
	const cap = values.has("messages") ? messages : MESSAGES.max;
	return ok({ kind: "since", seconds: duration.value, maxMessages: cap });
}

function styleOf(value: OptionValue | undefined): Style | undefined {
	if (value === undefined) return DEFAULT_STYLE;
	return typeof value === "string" && Object.hasOwn(STYLES, value) ? (value as Style) : undefined;
}

const BAD_STYLE = `\`style\` must be one of ${Object.keys(STYLES)
	.map((s) => `\`${s}\``)
	.join(", ")}.`;

export function parseSummarize(interaction: APIChatInputApplicationCommandInteraction): Parsed {
	const from = origin(interaction);
	if (!from) return err(GUILD_ONLY);
	const values = optionValues(interaction.data.options);

	const range = rangeOf(values);
	if (!range.ok) return range;
	const style = styleOf(values.get("style"));
	if (!style) return err(BAD_STYLE);

	const channelOption = values.get("channel");
	let channelId = from.channelId;
	let lastMessageId = from.lastMessageId;
	let memberPermissions: string | undefined = interaction.member?.permissions;
	let botPermissions: string | undefined = interaction.app_permissions;
	let threadMembersOnly = false;
	if (channelOption !== undefined && channelOption !== from.channelId) {
		const channel = interaction.data.resolved?.channels?.[String(channelOption)];
		if (!channel) return err("I couldn't see that channel. Pick a text channel or thread from the list.");
		channelId = channel.id;
		lastMessageId = undefined;
		// Its permissions are the parent channel's: without Manage Threads, only a member of it may read it.
		threadMembersOnly = channel.type === ChannelType.PrivateThread && !canManageThreads(channel.permissions);
		memberPermissions = channel.permissions;
		// Discord sends the app's own permissions for the interaction's channel only, and for a resolved
		// channel when it can; without them the summarizer finds out when it reads the history.
		botPermissions = channel.app_permissions;
	}

	const refusal = accessRefusal(channelId, memberPermissions, botPermissions);
	if (refusal) return err(refusal);
	// Members here may not be able to read another channel: its summary is only ever shown to the asker.
	const askedPublic = values.get("public") === true;
	const elsewhere = channelId !== from.channelId;
	return ok({
		...from,
		channelId,
		lastMessageId,
		range: range.value,
		style,
		public: askedPublic && !elsewhere,
		...(askedPublic && elsewhere ? { publicRefused: true } : {}),
		...(threadMembersOnly ? { threadMembersOnly } : {}),
		unchosen: { style: !values.has("style"), language: true },
	});
}

export function parseSummarizeFromHere(interaction: APIMessageApplicationCommandInteraction): Parsed {
	const from = origin(interaction);
	if (!from) return err(GUILD_ONLY);
	const refusal = accessRefusal(from.channelId, interaction.member?.permissions, interaction.app_permissions);
	if (refusal) return err(refusal);
	return ok({
		...from,
		range: { kind: "from", messageId: interaction.data.target_id },
		style: DEFAULT_STYLE,
		public: false,
		unchosen: { style: true, language: true },
	});
}

/**
 * /catchup: this channel since the member's last message in it. Where that is, the consumer finds by
 * reading the channel (summarizer/catch-up.ts); here, only who asks, and since when they are a member.
 */
export function parseCatchUp(interaction: APIChatInputApplicationCommandInteraction): Parsed {
	const from = origin(interaction);
	if (!from) return err(GUILD_ONLY);
	const values = optionValues(interaction.data.options);
	const style = styleOf(values.get("style"));
	if (!style) return err(BAD_STYLE);
	const refusal = accessRefusal(from.channelId, interaction.member?.permissions, interaction.app_permissions);
	if (refusal) return err(refusal);
	// Without a date Discord always sends, the member counts as one of long standing: the last 14 days.
	const joinedAt = Date.parse(interaction.member?.joined_at ?? "");
	return ok({
		...from,
		range: { kind: "catchup", userId: from.userId, joinedAt: Number.isNaN(joinedAt) ? 0 : joinedAt },
		style,
		public: false,
		unchosen: { style: !values.has("style"), language: true },
	});
}

/** A click on a summary's button: the same request again, refreshed, shorter, more detailed or public. */
export function parseSummaryButton(interaction: APIMessageComponentInteraction, button: ButtonRequest, now = Date.now()): Parsed {
	const from = origin(interaction);
	if (!from) return err(GUILD_ONLY);
	if (!isOwnButton(interaction)) return err(NOT_MINE);
	const confirming = button.action === "confirm" || button.action === "confirm_public";
	const unconfirmable = confirming ? confirmRefusal(interaction, from.userId, now) : undefined;
	if (unconfirmable) return err(unconfirmable);
	const sameChannel = button.channelId === from.channelId;
	if (sameChannel) {
		const refusal = accessRefusal(from.channelId, interaction.member?.permissions, interaction.app_permissions);
		if (refusal) return err(refusal);
	} else {
		const refusal = otherChannelRefusal(interaction, button, from.userId, now);
		if (refusal) return err(refusal);
	}
	return ok({
		...from,
		channelId: button.channelId,
		lastMessageId: sameChannel ? from.lastMessageId : undefined,
		range: button.range,
		style: button.style,
		public: button.action === "public" || button.action === "confirm_public",
		...(button.action === "refresh" ? { fresh: true } : {}),
		// A button carries a range the bot has run (isOwnButton): the member who asked for it accepted its
		// size then. Another member's click on a public summary is asked to, like a request of their own.
		confirmed: confirming || interaction.message.interaction_metadata?.user.id === from.userId,
		...(confirming ? { inPlace: true } : {}),
		unchosen: { style: false, language: true },
	});
}

const NOT_MINE = "That button isn't on one of my summaries, so I won't act on it. Use `/summarize` to ask for one.";

/**
 * Why a click is refused when only the member who asked may make it, and only while that request is as fresh as
 * an interaction's 15 minutes: `notAsker` and `stale` say so.
 */
function askerRefusal(
	interaction: APIMessageComponentInteraction,
	userId: string,
	now: number,
	said: { notAsker: string; stale: string },
): string | undefined {
	const asked = interaction.message.interaction_metadata;
	if (asked?.user.id !== userId) return said.notAsker;
	if (now - timeOf(asked.id) > TOKEN_LIFETIME_MS) return said.stale;
	return undefined;
}

/** Summarize or Cancel under a large range's estimate: the member who asked decides, while the estimate is fresh. */
function confirmRefusal(interaction: APIMessageComponentInteraction, userId: string, now: number): string | undefined {
	return askerRefusal(interaction, userId, now, {
		notAsker: "Only the member who asked for this range can decide whether to summarize it. Use `/summarize` to ask for your own.",
		stale: "This estimate is more than 15 minutes old, so the channel has moved on: ask again with `/summarize` for a fresh one.",
	});
}

/** A click on Cancel under an estimate: nothing to do but take the buttons away, for the member who asked. */
export function parseCancel(interaction: APIMessageComponentInteraction, now = Date.now()): Result<true> {
	const from = origin(interaction);
	if (!from) return err(GUILD_ONLY);
	if (!isOwnButton(interaction)) return err(NOT_MINE);
	const refusal = confirmRefusal(interaction, from.userId, now);
	return refusal ? err(refusal) : ok(true);
}

/**
 * Discord sends permissions for the channel the button is in, not the one summarized, so a button of
 * another channel's summary is trusted only as far as the request that made it: for the member who asked
 * (checked for that channel then), while that check is as fresh as an interaction's 15 minutes, and never
 * to post that channel's content here.
 */
function otherChannelRefusal(interaction: APIMessageComponentInteraction, button: ButtonRequest, userId: string, now: number) {
	const again = `Ask again with \`/summarize channel:\` <#${button.channelId}>.`;
	if (button.action === "public")
		return `A summary of <#${button.channelId}> is never posted here: members here may not be able to read it.`;
	return askerRefusal(interaction, userId, now, {
		notAsker: `Only the member who asked for this summary can use its buttons. ${again}`,
		stale: `The buttons of a summary of another channel work for 15 minutes. ${again}`,
	});
}

function accessRefusal(channelId: string, member: string | undefined, bot: string | undefined): string | undefined {
	const memberMissing = missingToRead(member);
	if (memberMissing.length) {
		return `You can't summarize <#${channelId}>: you need ${listNames(memberMissing)} there.`;
	}
	if (bot === undefined) return undefined;
	const botMissing = missingToRead(bot);
	if (botMissing.length) {
		return `I can't read <#${channelId}>: I need ${listNames(botMissing)} there. Ask a server admin to grant Summary Bot these permissions in the channel's settings.`;
	}
	return undefined;
}
