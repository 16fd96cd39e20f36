import type { RESTPatchAPIWebhookWithTokenMessageJSONBody, RESTPostAPIWebhookWithTokenJSONBody } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { summaryButtons } from "../../src/discord/buttons";
import { cut, pack } from "../../src/discord/limits";
import { errorMessage, footerModel, type RenderContext, type RenderedMessage, rangeLabel, render } from "../../src/discord/render";
import type { Line } from "../../src/domain/line";
import type { Summary } from "../../src/domain/summary";
import type { SummaryMessage } from "../../src/guild/guild-object";

// Line i merges messages 5000+i and 9000+i: a jump link goes to the first.
const lines: Line[] = Array.from({ length: 300 }, (_, index) => ({
	index,
	messageIds: [String(5000 + index), String(9000 + index)],
	authorId: "a",
	author: index % 2 ? "bob_the_builder" : "alice",
	time: 0,
	text: `line ${index}`,
}));
const context: RenderContext = {
	guildId: "1",
	channelId: "2",
	rangeLabel: "last 100 messages",
	messageCount: 100,
	style: "bullets",
	lines,
	footer: { model: "gpt-4o-mini", tokens: 1234, elapsedMs: 3210, cached: false },
};
const buttons = summaryButtons({
	channelId: "2",
	origin: "2",
	range: { kind: "count", messages: 100 },
	style: "brief",
	public: false,
	model: "gpt-4o-mini",
});
const summary = (points: Summary["points"], extra: Partial<Summary> = {}): Summary => ({
	model: "gpt-4o-mini",
	points,
	actionItems: [],
	participants: [],
	links: [],
	usage: { tokensIn: 1000, tokensOut: 234 },
	...extra,
});
const jump = (line: number) => `https://discord.com/channels/1/2/${5000 + line}`;
const descriptions = (messages: RenderedMessage[]) => messages.flatMap((m) => m.embeds.map((e) => e.description ?? ""));
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Checks one message against every Discord limit, counting embed text as Discord does. */
function checkLimits(message: RenderedMessage): void {
	expect(message.allowed_mentions).toEqual({ parse: [] });
	expect(message.content?.length ?? 0).toBeLessThanOrEqual(2000);
	expect(message.embeds.length).toBeLessThanOrEqual(10);
	let total = 0;
	for (const embed of message.embeds) {
		expect(embed.title?.length ?? 0).toBeLessThanOrEqual(256);
		expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
		expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2048);
		expect(embed.author?.name.length ?? 0).toBeLessThanOrEqual(256);
		expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
		for (const field of embed.fields ?? []) {
			expect(field.name.length).toBeLessThanOrEqual(256);
			expect(field.value.length).toBeLessThanOrEqual(1024);
		}
		const texts = [
			embed.title,
			embed.description,
			embed.footer?.text,
			embed.author?.name,
			...(embed.fields ?? []).flatMap((f) => [f.name, f.value]),
		];
		for (const text of texts) expect(text ?? "").not.toMatch(LONE_SURROGATE);
		total += texts.reduce((n, text) => n + (text?.length ?? 0), 0);
	}
	expect(total).toBeLessThanOrEqual(6000);
}

describe("render", () => {
	it("links each point to the first message of each line it cites, in order, deduplicated, at most three", () => {
		const [message] = render(
			summary([
				{ text: "Ship on Friday.", sources: [7, 3, 7] },
				{ text: "Many sources.", sources: [9, 1, 4, 2, 999] },
			]),
			context,
		);
		const description = message.embeds[0].description!;
		expect(description).toContain(`• Ship on Friday. [1](${jump(3)}) [2](${jump(7)})\n`);
		expect(description).toContain(`• Many sources. [1](${jump(1)}) [2](${jump(2)}) [3](${jump(4)})`);
		expect(description).not.toContain("9009");
		expect(description.startsWith("<#2> · 100 messages\n")).toBe(true);
	});

	it("titles with the channel's name when known, within 256 characters", () => {
		expect(render(summary([]), { ...context, channelName: "general" })[0].embeds[0].title).toBe("Summary of #general — last 100 messages");
		expect(render(summary([]), context)[0].embeds[0].title).toBe("Summary — last 100 messages");
		const [long] = render(summary([]), { ...context, channelName: "x".repeat(400) });
		expect(long.embeds[0].title!.length).toBeLessThanOrEqual(256);
		expect(long.embeds[0].title!.endsWith("…")).toBe(true);
		expect(render(summary([]), context)[0].embeds[0].description).toContain("No notable points");
	});

	it("writes the footer with model, tokens, time and cache", () => {
		const footer = (f: Partial<RenderContext["footer"]>, model = "gpt-4o-mini") =>
			render(summary([{ text: "x", sources: [] }], { model }), { ...context, footer: { ...context.footer, ...f } })[0].embeds[0].footer
				?.text;
		expect(footer({})).toBe("gpt-4o-mini · 1,234 tokens · 3.2 s");
		expect(footer({ tokens: 1, cached: true })).toBe("gpt-4o-mini · 1 token · 3.2 s · cached");
		expect(footer({ tokens: 0, cached: true })).toBe("gpt-4o-mini · 3.2 s · cached");
		expect(footer({ model: "extractive", tokens: 0, elapsedMs: 400 }, "extractive")).toBe("extractive summary (no LLM) · 0.4 s");
	});

	it("reads the model back from a footer, cached or not, as a cached summary's buttons do", () => {
		const model = (f: Partial<RenderContext["footer"]>) =>
			footerModel(render(summary([]), { ...context, footer: { ...context.footer, ...f } })[0].embeds);
		expect(model({})).toBe("gpt-4o-mini");
		expect(model({ model: "llama3:8b", tokens: 0, cached: true })).toBe("llama3:8b");
		expect(model({ model: "extractive", tokens: 0 })).toBe("extractive");
		expect(footerModel([{ title: "no footer" }])).toBe("unknown");
	});

	it("splits a huge summary into follow-ups within every limit, losing no point and splitting none", () => {
		const points = Array.from({ length: 200 }, (_, i) => ({ text: `Point ${i} ${"detail ".repeat(60)}end${i}`, sources: [i, i + 1] }));
		const messages = render(summary(points), { ...context, channelName: "general", components: buttons });
		expect(messages.length).toBeGreaterThan(5);
		messages.forEach(checkLimits);
		const all = descriptions(messages);
		for (let i = 0; i < 200; i++) {
			const holding = all.filter((d) => d.includes(`• Point ${i} `));
			expect(holding).toHaveLength(1);
			expect(holding[0]).toContain(`end${i} [1](${jump(i)}) [2](${jump(i + 1)})`);
		}
		const order = all
			.join("\n")
			.match(/• Point \d+/g)!
			.map((p) => Number(p.slice(8)));
		expect(order).toEqual(points.map((_, i) => i));
		expect(messages.slice(0, -1).every((m) => m.components === undefined && m.embeds.every((e) => e.footer === undefined))).toBe(true);
		expect(messages.at(-1)!.components).toEqual(buttons);
		expect(messages.at(-1)!.embeds.at(-1)!.footer?.text).toContain("gpt-4o-mini");
		expect(messages[0].content).toBe("");
		expect(
			messages
				.slice(1)
				.every((m) => m.content === undefined && m.embeds[0].title === "Summary of #general — last 100 messages (continued)"),
		).toBe(true);
	});

	it("truncates only a single point longer than a whole description, keeping its links", () => {
		const messages = render(
			summary([
				{ text: "short", sources: [0] },
				{ text: "😀".repeat(3000), sources: [1] },
				{ text: "after", sources: [2] },
			]),
			context,
		);
		messages.forEach(checkLimits);
		const long = descriptions(messages).find((d) => d.includes("😀"))!;
		expect(long).toMatch(new RegExp(`😀… \\[1\\]\\(${jump(1)}\\)`));
		expect(descriptions(messages).join("\n")).toContain(`• after [1](${jump(2)})`);
	});

	it("cuts emoji-heavy text between characters, even inside emoji sequences", () => {
		const family = "👨‍👩‍👧‍👦";
		const points = Array.from({ length: 60 }, (_, i) => ({ text: `${i} ${`${family}🇫🇷👍🏽é`.repeat(250)}`, sources: [i] }));
		const messages = render(summary(points), context);
		messages.forEach(checkLimits);
		const cutEnds = descriptions(messages).flatMap((d) => [...d.matchAll(/(\S*)… \[1\]/g)].map((m) => m[1]));
		expect(cutEnds).toHaveLength(60);
		for (const end of cutEnds) expect(end).toMatch(/(👨‍👩‍👧‍👦|🇫🇷|👍🏽|é)$/u);
		expect(cut("ab👍🏽", 3)).toBe("ab…");
		expect(cut(`a${family}`, 5)).toBe("a…");
	});

	it("never cuts inside a link or a mention", () => {
		const url = "https://docs.example/a/very/long/path?with=query";
		const text = Array.from({ length: 300 }, (_, i) => `see [doc ${i}](${url}) <@${1000 + i}>`).join(" ");
		const messages = render(summary([{ text, sources: [0] }]), context);
		messages.forEach(checkLimits);
		const point = descriptions(messages)
			.join("\n")
			.split("\n")
			.find((l) => l.startsWith("• "))!;
		expect(messages).toHaveLength(1);
		expect(point.length).toBeGreaterThan(3000);
		expect(point).toMatch(/(?:\(https:\/\/docs\.example\/a\/very\/long\/path\?with=query\)|<@\d+>|see|doc \d+)…/);
		expect(cut(`hello [a link](${url})`, 20)).toBe("hello…");
		const asIs = (text: string, room: number) => cut(text, room);
		expect(pack(["aaa", "bbb", "ccc"], 7, asIs)).toEqual(["aaa\nbbb", "ccc"]);
		expect(pack(["a", "b c d e f g h i j k", "z"], 12, asIs)).toEqual(["a\nb c d e f…", "z"]);
		expect(pack(["a b c d e f", "b c d e f g h i j k"], 12, asIs)).toEqual(["a b c d e f", "b c d e f g…"]);
	});

	it("neutralizes mass mentions, strips images, unmasks links, keeps user and role mentions", () => {
		const [message] = render(
			summary([
				{ text: "hey @everyone look ![x](https://evil.example/x.png) @here", sources: [1] },
				{ text: "ask <@123> and <@&456>, see [1](https://evil.example/phish) and [docs](https://docs.example)", sources: [2] },
			]),
			context,
		);
		const description = message.embeds[0].description!;
		expect(description).not.toMatch(/@everyone|@here|!\[|x\.png|\[1\]\(https:\/\/evil/);
		expect(description).toContain("hey @\u200beveryone look @\u200bhere [1]");
		expect(description).toContain("ask <@123> and <@&456>, see 1 (https://evil.example/phish) and docs (https://docs.example) [1]");
	});

	it("keeps one point's open markdown from formatting the next", () => {
		const [message] = render(
			summary([
				{ text: "a **bold start and ```code", sources: [1] },
				{ text: "next", sources: [2] },
			]),
			context,
		);
		expect(message.embeds[0].description).toContain("• a \\*\\*bold start and \\`code [1]");
	});

	it("labels extractive summaries and lists authors, participants, links and action items", () => {
		const participants = Array.from({ length: 25 }, (_, i) => ({ name: i === 0 ? "dave_*" : `p${i}`, messages: 30 - i }));
		const [message] = render(
			summary([{ text: "We ship Friday", sources: [1] }], {
				model: "extractive",
				actionItems: [{ text: "Rerun the migration", owner: "carol", sources: [2] }],
				participants,
				links: ["https://docs.example/notes", "javascript:alert(1)"],
			}),
			{ ...context, footer: { model: "extractive", tokens: 0, elapsedMs: 400, cached: true } },
		);
		checkLimits(message);
		const embed = message.embeds[0];
		expect(embed.description).toContain(
			"Extractive summary: messages selected from the conversation and quoted as written, not written by an LLM.",
		);
		expect(embed.description).toContain(`• **bob\\_the\\_builder**: We ship Friday [1](${jump(1)})`);
		expect(embed.description).toContain(`**Action items**\n☐ Rerun the migration — **carol** [1](${jump(2)})`);
		expect(embed.description).toContain("**25 participants:** dave\\_\\* (30), p1 (29)");
		expect(embed.description).toContain("p9 (21), … and 15 more");
		expect(embed.description).toContain("**Links**\nhttps://docs.example/notes");
		expect(embed.description).not.toContain("javascript:");
		expect(embed.footer?.text).toBe("extractive summary (no LLM) · 0.4 s · cached");
		expect(embed.color).not.toBe(render(summary([]), context)[0].embeds[0].color);
	});

	it("quotes the newest messages the LLM has not summarized yet, after its points, saying how to add them", () => {
		const newest = { messages: 12, points: [{ text: "moved the release to Monday", sources: [41] }] };
		const [message] = render(summary([{ text: "They agreed to ship.", sources: [3] }], { newest }), context);
		const description = message.embeds[0].description!;
		expect(description).toContain(
			`• They agreed to ship. [1](${jump(3)})\n**Newest 12 messages**, not summarized yet: *Refresh* adds them.\n• **bob\\_the\\_builder**: moved the release to Monday [1](${jump(41)})`,
		);
		const [quiet] = render(summary([], { newest: { messages: 1, points: [] } }), context);
		expect(quiet.embeds[0].description).toContain(
			"**Newest 1 message**, not summarized yet: *Refresh* adds them.\n*Nothing in them to quote.*",
		);
	});

	it("leads with action items in the action_items style, and says when there are none", () => {
		const items = summary([{ text: "Context here", sources: [0] }], { actionItems: [{ text: "Write docs", owner: null, sources: [3] }] });
		const description = render(items, { ...context, style: "action_items" })[0].embeds[0].description!;
		expect(description).toContain(`**Action items**\n☐ Write docs [1](${jump(3)})\n**Context**\n• Context here`);
		expect(render(summary([]), { ...context, style: "action_items" })[0].embeds[0].description).toContain(
			"**Action items**\n*None found in this range.*",
		);
		expect(render(summary([]), context)[0].embeds[0].description).not.toContain("Action items");
	});

	it("gives types that Discord's webhook bodies and the guild cache accept as they are", () => {
		const [message] = render(summary([{ text: "x", sources: [0] }]), { ...context, components: buttons });
		const edit: RESTPatchAPIWebhookWithTokenMessageJSONBody = message;
		const followup: RESTPostAPIWebhookWithTokenJSONBody = message;
		const cached: SummaryMessage = message;
		expect(JSON.parse(JSON.stringify(cached))).toEqual(edit);
		expect(followup.components).toEqual(buttons);
	});

	it("words 'couldn't summarize' answers like a result", () => {
		const [message] = errorMessage(`Nothing to summarize, @here. ${"x".repeat(3000)}`);
		checkLimits(message);
		expect(message.content!.startsWith("Nothing to summarize, @\u200bhere.")).toBe(true);
		expect(message).toMatchObject({ embeds: [], components: [] });
	});

	it("names ranges", () => {
		expect(rangeLabel({ kind: "count", messages: 100 })).toBe("last 100 messages");
		expect(rangeLabel({ kind: "count", messages: 1000 })).toBe("last 1,000 messages");
		expect(rangeLabel({ kind: "since", seconds: 21_600, maxMessages: 10_000 })).toBe("last 6 hours");
		expect(rangeLabel({ kind: "since", seconds: 3600, maxMessages: 10_000 })).toBe("last hour");
		expect(rangeLabel({ kind: "since", seconds: 5400, maxMessages: 10_000 })).toBe("last 90 minutes");
		expect(rangeLabel({ kind: "since", seconds: 1_209_600, maxMessages: 10_000 })).toBe("last 2 weeks");
		expect(rangeLabel({ kind: "from", messageId: "1" })).toBe("from a message to now");
		expect(rangeLabel({ kind: "after", messageId: "1" })).toBe("since your last message");
		expect(rangeLabel({ kind: "joined", at: 1 })).toBe("since you joined");
	});

	it("links the member's last message where a catch-up starts after it", () => {
		const [message] = render(summary([{ text: "They shipped.", sources: [0] }]), {
			...context,
			rangeLabel: "since your last message",
			after: "77",
		});
		expect(message.embeds[0].title).toBe("Summary — since your last message");
		expect(message.embeds[0].description).toMatch(
			/^<#2> · 100 messages after \[your last message\]\(https:\/\/discord\.com\/channels\/1\/2\/77\)\n/,
		);
	});
});
