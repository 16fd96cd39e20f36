import { ApplicationCommandOptionType } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { summaryKey } from "../../src/domain/job";
import { parseCatchUp, parseSummarize, parseSummarizeFromHere } from "../../src/interactions/summarize-request";
import { ADMIN, chatCommand, id, READ, resolvedChannel, summarize, summarizeFromHere } from "../helpers/interactions";

function parse(...args: Parameters<typeof summarize>) {
	return parseSummarize(summarize(...args));
}

describe("/summarize options", () => {
	it("defaults to the last 100 messages here, brief, ephemeral", () => {
		const channelId = id();
		const lastMessageId = id();
		const result = parse({}, { channelId, lastMessageId });
		expect(result).toMatchObject({
			ok: true,
			value: { channelId, lastMessageId, range: { kind: "count", messages: 100 }, style: "brief", public: false, locale: "en-US" },
		});
	});

	it("takes messages, style and public", () => {
		expect(parse({ messages: 2, style: "bullets", public: true })).toMatchObject({
			ok: true,
			value: { range: { kind: "count", messages: 2 }, style: "bullets", public: true },
		});
		expect(parse({ messages: 10_000 })).toMatchObject({ ok: true });
	});

	it("turns since into a time range, capped by messages when both are given", () => {
		expect(parse({ since: "6h" })).toMatchObject({ ok: true, value: { range: { kind: "since", seconds: 21_600, maxMessages: 10_000 } } });
		expect(parse({ since: "2d", messages: 50 })).toMatchObject({
			ok: true,
			value: { range: { kind: "since", seconds: 172_800, maxMessages: 50 } },
		});
	});

	it.each([
		[{ messages: 1 }, "from 2 to 10000"],
		[{ messages: 10_001 }, "from 2 to 10000"],
		[{ messages: 2.5 }, "whole number"],
		[{ since: "15d" }, "14 days"],
		[{ since: "soon" }, "`30m`"],
		[{ style: "poem" }, "`brief`"],
	])("refuses %j, saying what is allowed", (options, hint) => {
		const result = parse(options);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toContain(hint);
	});
});

describe("/summarize permissions", () => {
	it("refuses a member who can't read the channel, naming what is missing", () => {
		const result = parse({}, { permissions: "0" });
		expect(result).toMatchObject({
			ok: false,
			error: expect.stringMatching(/you need \*\*View Channel\*\* and \*\*Read Message History\*\*/),
		});
	});

	it("refuses when the bot can't read the channel", () => {
		const result = parse({}, { appPermissions: "1024" });
		expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^I can't read .*\*\*Read Message History\*\*/) });
	});

	it("lets an Administrator through", () => {
		expect(parse({}, { permissions: ADMIN, appPermissions: ADMIN })).toMatchObject({ ok: true });
	});

	it("checks the member's and the bot's permissions in another channel from resolved data", () => {
		const other = id();
		expect(parse({ channel: other }, { permissions: ADMIN }, { [other]: resolvedChannel(other, "0") })).toMatchObject({
			ok: false,
			error: expect.stringContaining(`You can't summarize <#${other}>`),
		});
		expect(parse({ channel: other }, { permissions: "0" }, { [other]: resolvedChannel(other, READ, "0") })).toMatchObject({
			ok: false,
			error: expect.stringContaining(`I can't read <#${other}>`),
		});
		expect(parse({ channel: other }, { permissions: "0", appPermissions: "0" }, { [other]: resolvedChannel(other, READ) })).toMatchObject({
			ok: true,
			value: { channelId: other, lastMessageId: undefined },
		});
	});

	it("refuses outside a guild", () => {
		const dm = { ...summarize(), guild_id: undefined, member: undefined };
		expect(parseSummarize(dm)).toMatchObject({ ok: false, error: expect.stringContaining("server") });
	});
});

describe("Summarize from here", () => {
	it("summarizes from the target message", () => {
		const target = id();
		expect(parseSummarizeFromHere(summarizeFromHere(target))).toMatchObject({
			ok: true,
			value: { range: { kind: "from", messageId: target } },
		});
	});
	it("checks permissions", () => {
		expect(parseSummarizeFromHere(summarizeFromHere(id(), { permissions: "0" }))).toMatchObject({ ok: false });
	});
});

describe("/catchup", () => {
	const catchup = (style?: string, context = {}) =>
		chatCommand("catchup", style ? [{ name: "style", type: ApplicationCommandOptionType.String, value: style }] : [], context);

	it("asks for this channel since the member's last message, knowing when they joined; private, in the style asked", () => {
		const interaction = catchup("bullets");
		const parsed = parseCatchUp(interaction);
		expect(parsed).toMatchObject({
			ok: true,
			value: {
				channelId: interaction.channel.id,
				origin: interaction.channel.id,
				lastMessageId: interaction.channel.last_message_id,
				range: { kind: "catchup", userId: interaction.member.user.id, joinedAt: Date.parse(interaction.member.joined_at) },
				style: "bullets",
				public: false,
				unchosen: { style: false, language: true },
			},
		});
		expect(parseCatchUp(catchup())).toMatchObject({ ok: true, value: { style: "brief", unchosen: { style: true } } });
	});

	it("is keyed by member: their repeats share a summary, another member's don't", () => {
		const interaction = catchup();
		const parsed = parseCatchUp(interaction);
		if (!parsed.ok) throw new Error(parsed.error);
		const lastMessageId = interaction.channel.last_message_id ?? undefined;
		expect(summaryKey(parsed.value, lastMessageId).key).toBe(
			`${interaction.channel.id}:c${interaction.member.user.id}:brief:en@${lastMessageId}`,
		);
	});

	it("refuses a bad style, and a member or bot who can't read the channel", () => {
		expect(parseCatchUp(catchup("haiku"))).toMatchObject({ ok: false, error: expect.stringContaining("`style` must be one of") });
		expect(parseCatchUp(catchup(undefined, { permissions: "0" }))).toMatchObject({
			ok: false,
			error: expect.stringContaining("View Channel"),
		});
		expect(parseCatchUp(catchup(undefined, { appPermissions: "1024" }))).toMatchObject({
			ok: false,
			error: expect.stringContaining("I can't read"),
		});
		expect(parseCatchUp(catchup(undefined, { permissions: ADMIN }))).toMatchObject({ ok: true });
	});
});

describe("summaryKey", () => {
	const request = { channelId: "1", range: { kind: "count", messages: 100 } as const, style: "brief" as const, locale: "en-US" };
	it("includes the last message id when known, so any new message misses", () => {
		expect(summaryKey(request, "9").key).not.toBe(summaryKey(request, "10").key);
		expect(summaryKey(request, "9").cacheTtlSeconds).toBeGreaterThan(summaryKey(request, undefined).cacheTtlSeconds);
	});
	it("separates ranges, styles and languages", () => {
		const keys = new Set([
			summaryKey(request, "9").key,
			summaryKey({ ...request, range: { kind: "count", messages: 101 } }, "9").key,
			summaryKey({ ...request, style: "bullets" }, "9").key,
			summaryKey({ ...request, locale: "de" }, "9").key,
			summaryKey({ ...request, range: { kind: "since", seconds: 3600, maxMessages: 100 } }, "9").key,
			summaryKey({ ...request, range: { kind: "from", messageId: "5" } }, "9").key,
		]);
		expect(keys.size).toBe(6);
	});
	it("shares a summary between the locales of one language, but not between Chinese scripts", () => {
		expect(summaryKey({ ...request, locale: "en-GB" }, "9").key).toBe(summaryKey(request, "9").key);
		expect(summaryKey({ ...request, locale: "es-419" }, "9").key).toBe(summaryKey({ ...request, locale: "es-ES" }, "9").key);
		expect(summaryKey({ ...request, locale: "zh-TW" }, "9").key).not.toBe(summaryKey({ ...request, locale: "zh-CN" }, "9").key);
	});
});
