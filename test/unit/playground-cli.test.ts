import { ApplicationCommandOptionType, ButtonStyle, ChannelType, ComponentType, InteractionResponseType } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { findChannel, type InteractionRequest, parseCommandLine, tokenize, usageLines } from "../../scripts/playground/command-line";
import { type RenderOptions, renderAnswer, renderEmbed, renderMarkdown, renderMessage } from "../../scripts/playground/terminal-render";

const channels = [
	{ id: "600000000000000001", name: "general", type: ChannelType.GuildText },
	{ id: "600000000000000003", name: "release-friday", type: ChannelType.PublicThread },
	{ id: "600000000000000009", name: "voice-lobby", type: ChannelType.GuildCategory },
];

function parsed(line: string): InteractionRequest {
	const result = parseCommandLine(tokenize(line), channels);
	if (!result.ok) throw new Error(result.error);
	return result.value;
}

function refusal(line: string): string {
	const result = parseCommandLine(tokenize(line), channels);
	if (result.ok) throw new Error(`${line} was accepted`);
	return result.error;
}

describe("the playground's command line", () => {
	it("types each option as its definition says, as Discord's client sends it", () => {
		expect(parsed("/summarize messages:200 style:bullets public:True channel:#release-friday since:6h")).toEqual({
			kind: "command",
			name: "summarize",
			label: "/summarize messages:200 style:bullets public:True channel:#release-friday since:6h",
			options: [
				{ name: "messages", type: ApplicationCommandOptionType.Integer, value: 200 },
				{ name: "style", type: ApplicationCommandOptionType.String, value: "bullets" },
				{ name: "public", type: ApplicationCommandOptionType.Boolean, value: true },
				{ name: "channel", type: ApplicationCommandOptionType.Channel, value: "600000000000000003" },
				{ name: "since", type: ApplicationCommandOptionType.String, value: "6h" },
			],
		});
	});

	it("finds channels by name, #name, mention or id, and accepts a choice by its label", () => {
		for (const text of ["general", "#General", "<#600000000000000001>", "600000000000000001"])
			expect(findChannel(channels, text)?.name).toBe("general");
		expect(findChannel(channels, "nope")).toBeUndefined();
		const [style] = (parsed("summarize style:'Bullet points'") as Extract<InteractionRequest, { kind: "command" }>).options;
		expect(style).toMatchObject({ value: "bullets" });
	});

	it("refuses what Discord's client would not send, saying what would work", () => {
		expect(refusal("summarize messages:1")).toBe("`messages` must be from 2 to 10000.");
		expect(refusal("summarize messages:10001")).toBe("`messages` must be from 2 to 10000.");
		expect(refusal("summarize messages:2.5")).toContain("whole number");
		expect(refusal("summarize messages:")).toContain("whole number");
		expect(refusal("summarize style:haiku")).toContain("`brief`, `detailed`, `bullets`, `action_items`");
		expect(refusal("summarize public:maybe")).toContain("true or false");
		expect(refusal("summarize channel:nowhere")).toContain("#general, #release-friday");
		expect(refusal("summarize channel:voice-lobby")).toBe("`channel` can't be #voice-lobby.");
		expect(refusal("summarize colour:red")).toBe("/summarize has no option `colour`. Options: messages: since: channel: style: public:");
		expect(refusal("summarize messages:5 messages:6")).toBe("`messages` is given twice.");
		expect(refusal("summarize 200")).toContain("write it as name:value");
		expect(refusal(`summarize since:${"1".repeat(21)}`)).toContain("at most 20 characters");
		expect(refusal("dance")).toContain(
			'Unknown command "dance". Commands: summarize, catchup, summaries, stats, config, privacy, help, from-here, click',
		);
		expect(refusal("")).toContain("Type a command");
	});

	it("takes the one required option bare, and says which are missing", () => {
		expect(parsed("privacy opt-out")).toMatchObject({ options: [{ name: "action", value: "opt-out" }] });
		expect(parsed("privacy action:status")).toMatchObject({ options: [{ name: "action", value: "status" }] });
		expect(refusal("privacy")).toBe("/privacy needs `action:` (opt-out, opt-in, status).");
		expect(refusal("stats now")).toContain("no options");
	});

	it("nests a subcommand's options as Discord does", () => {
		expect(parsed("config view")).toMatchObject({
			options: [{ type: ApplicationCommandOptionType.Subcommand, name: "view", options: [] }],
		});
		expect(parsed("config set style:brief retention_days:30")).toMatchObject({
			options: [
				{
					type: ApplicationCommandOptionType.Subcommand,
					name: "set",
					options: [
						{ name: "style", value: "brief" },
						{ name: "retention_days", value: 30 },
					],
				},
			],
		});
		expect(refusal("config")).toBe("/config needs one of: config view, config set, config digest.");
		expect(refusal("config set retention_days:0")).toBe("`retention_days` must be from 1 to 365.");
	});

	it("turns from-here and click into the message command and the button click", () => {
		expect(parsed("from-here 1574146424780621176")).toEqual({
			kind: "from-here",
			messageId: "1574146424780621176",
			label: "Apps → Summarize from here",
		});
		expect(refusal("from-here latest")).toContain("one message id");
		expect(parsed("click summary:detail:600000000000000001:n200:bullets")).toEqual({
			kind: "button",
			customId: "summary:detail:600000000000000001:n200:bullets",
			label: "button summary:detail:600000000000000001:n200:bullets",
		});
		expect(refusal("click")).toContain("custom_id");
	});

	it("lists every command with its options for --help", () => {
		expect(usageLines()).toEqual(
			expect.arrayContaining([
				"summarize [messages:] [since:] [channel:] [style:] [public:]",
				"privacy action:<opt-out|opt-in|status>",
				"catchup [style:]",
				"config view",
				expect.stringMatching(/^from-here <message id>/),
			]),
		);
	});

	it("splits a typed line into words, keeping quoted spaces", () => {
		expect(tokenize(`/summarize  since:"2 d" 'channel:my channel'`)).toEqual(["/summarize", "since:2 d", "channel:my channel"]);
	});
});

describe("the playground's terminal rendering", () => {
	const NOW = Date.UTC(2026, 10, 22, 12);
	const plain: RenderOptions = {
		names: {
			channels: { "600000000000000001": "general" },
			users: { "900000000000000000": "Alice" },
			roles: { "700000000000000001": "leads" },
		},
		color: false,
		now: NOW,
	};

	it("resolves mentions, emoji, timestamps and jump links, and drops markdown marks", () => {
		const text =
			"**Alice** asked <@900000000000000000> and <@&700000000000000001> in <#600000000000000001> <:eyes:123> <t:1795347000:R> *soon* `code` \\*literal\\* [1](https://discord.com/channels/5/600000000000000001/1574146424780621176) [docs](https://docs.example.com/x)";
		expect(renderMarkdown(text, plain)).toBe(
			"Alice asked @Alice and @leads in #general :eyes: 30 minutes ago soon code *literal* [1 → #general 1574146424780621176] docs <https://docs.example.com/x>",
		);
		expect(renderMarkdown("<@1> <#2> <@&3>", plain)).toBe("@unknown-user #unknown-channel @unknown-role");
	});

	it("uses ANSI styles only when asked", () => {
		expect(renderMarkdown("**bold**", { ...plain, color: true })).toBe("\x1b[1mbold\x1b[0m");
		expect(renderMarkdown("**bold**", plain)).toBe("bold");
	});

	it("shows an embed's title, description, fields and footer behind its colour bar", () => {
		const lines = renderEmbed(
			{
				title: "Summary — last 200 messages",
				description: "one\ntwo",
				fields: [{ name: "Action items", value: "☐ ship it" }],
				footer: { text: "extractive summary (no LLM) · 0.4 s" },
			},
			plain,
		);
		expect(lines).toEqual([
			"▌ Summary — last 200 messages",
			"▌ one",
			"▌ two",
			"▌ ",
			"▌ Action items",
			"▌ ☐ ship it",
			"▌ ",
			"▌ extractive summary (no LLM) · 0.4 s",
		]);
	});

	it("shows each button with the command that clicks it, and whether only you see the message", () => {
		const lines = renderMessage(
			{
				content: "Done",
				flags: 64,
				components: [
					{
						type: ComponentType.ActionRow,
						components: [
							{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: "More detail", custom_id: "summary:detail:1:n100:brief" },
						],
					},
				],
			},
			plain,
		);
		expect(lines).toEqual(["Done", " More detail  npm run discord -- click summary:detail:1:n100:brief", "(only you can see this)"]);
		expect(renderMessage({ content: "Public" }, plain)).toEqual(["Public"]);
	});

	it("says what the Worker answered at once, errors included", () => {
		expect(renderAnswer(401, { error: "invalid request signature" }, plain)).toEqual([
			"The Worker answered 401: invalid request signature",
		]);
		expect(renderAnswer(200, { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: 64 } }, plain)).toEqual([
			"Summary Bot is thinking… (only you can see this)",
		]);
		expect(renderAnswer(200, { type: InteractionResponseType.DeferredChannelMessageWithSource }, plain)).toEqual([
			"Summary Bot is thinking…",
		]);
		expect(renderAnswer(200, { type: InteractionResponseType.ChannelMessageWithSource, data: { content: "hi" } }, plain)).toEqual(["hi"]);
	});
});
