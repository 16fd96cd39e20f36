import type { APIEmbed } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { summaryButtons } from "../../src/discord/buttons";
import { LIMITS, rangeLabel, render, type RenderContext, type RenderedMessage } from "../../src/discord/render";
import type { Line } from "../../src/summarizer/line";
import type { Summary } from "../../src/summarizer/summary";

const lines: Line[] = Array.from({ length: 300 }, (_, index) => ({ index, messageIds: [String(5000 + index)], authorId: "a", author: "alice", time: 0, text: `line ${index}` }));
const context: RenderContext = {
	guildId: "1",
	channelId: "2",
	rangeLabel: "last 100 messages",
	messageCount: 100,
	lines,
	footer: { model: "gpt-4o-mini", tokens: 1234, elapsedMs: 3210, cached: false },
};
const summary = (points: Summary["points"], extra: Partial<Summary> = {}): Summary => ({
	model: "gpt-4o-mini",
	points,
	actionItems: [],
	participants: [],
	links: [],
	usage: { tokensIn: 1000, tokensOut: 234 },
	...extra,
});

/** Text Discord counts against the 6,000 per message. */
function size(embed: APIEmbed): number {
	return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0) + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

function expectWithinLimits(messages: RenderedMessage[]) {
	for (const message of messages) {
		expect(message.embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
		expect(message.embeds.reduce((n, e) => n + size(e), 0)).toBeLessThanOrEqual(LIMITS.textPerMessage);
		for (const embed of message.embeds) {
			expect(embed.description!.length).toBeLessThanOrEqual(LIMITS.description);
			expect(embed.title!.length).toBeLessThanOrEqual(256);
		}
	}
}

describe("render", () => {
	it("links each point to the messages it cites", () => {
		const [message] = render(summary([{ text: "Ship on Friday.", sources: [3, 7] }]), context);
		expect(message.embeds[0].description).toContain("• Ship on Friday. [1](https://discord.com/channels/1/2/5003) [2](https://discord.com/channels/1/2/5007)");
		expect(message.embeds[0].description).toContain("<#2> · last 100 messages · 100 messages");
		expect(message.embeds[0].footer?.text).toBe("gpt-4o-mini · 1,234 tokens · 3.2 s");
	});

	it("splits a huge summary into follow-ups within every limit, losing no point", () => {
		const points = Array.from({ length: 200 }, (_, i) => ({ text: `Point ${i} ${"detail ".repeat(60)}`, sources: [i] }));
		const messages = render(summary(points), { ...context, components: summaryButtons({ channelId: "2", range: { kind: "count", messages: 100 }, style: "brief", public: false }) });
		expect(messages.length).toBeGreaterThan(1);
		expectWithinLimits(messages);
		const all = messages.flatMap((m) => m.embeds.map((e) => e.description)).join("\n");
		for (let i = 0; i < 200; i++) expect(all).toContain(`Point ${i} `);
		expect(messages.slice(0, -1).every((m) => m.components === undefined)).toBe(true);
		expect(messages.at(-1)!.components).toHaveLength(1);
		expect(messages.at(-1)!.embeds.at(-1)!.footer).toBeDefined();
	});

	it("truncates only a single point longer than a whole description, safely", () => {
		const [message] = render(summary([{ text: "😀".repeat(3000), sources: [1] }]), context);
		expectWithinLimits([message]);
		const description = message.embeds.find((embed) => embed.description?.includes("😀"))!.description!;
		expect(description.endsWith("…")).toBe(true);
		expect(description).not.toMatch(/[\uD800-\uDBFF]…$/);
	});

	it("neutralizes @everyone and strips images", () => {
		const [message] = render(summary([{ text: "hey @everyone look ![x](https://evil.example/x.png) @here", sources: [1] }]), context);
		expect(message.embeds[0].description).not.toMatch(/@everyone|@here|!\[/);
	});

	it("labels extractive summaries and lists participants, links and action items", () => {
		const [message] = render(
			summary([{ text: "We ship Friday", sources: [1] }], {
				model: "extractive",
				actionItems: [{ text: "Rerun the migration", owner: "carol", sources: [2] }],
				participants: [{ name: "dave", messages: 7 }, { name: "alice", messages: 3 }],
				links: ["https://docs.example/notes"],
			}),
			{ ...context, footer: { model: "extractive", tokens: 0, elapsedMs: 400, cached: true } },
		);
		const text = message.embeds[0].description!;
		expect(text).toContain("Extractive summary");
		expect(text).toContain("☐ Rerun the migration — **carol** [1](https://discord.com/channels/1/2/5002)");
		expect(text).toContain("**2 participants:** dave (7), alice (3)");
		expect(text).toContain("https://docs.example/notes");
		expect(message.embeds[0].footer?.text).toBe("extractive summary (no LLM) · 0.4 s · cached");
	});

	it("names ranges", () => {
		expect(rangeLabel({ kind: "count", messages: 100 })).toBe("last 100 messages");
		expect(rangeLabel({ kind: "since", seconds: 21_600, maxMessages: 10_000 })).toBe("last 6 hours");
		expect(rangeLabel({ kind: "since", seconds: 5400, maxMessages: 10_000 })).toBe("last 90 minutes");
		expect(rangeLabel({ kind: "since", seconds: 1_209_600, maxMessages: 10_000 })).toBe("last 2 weeks");
		expect(rangeLabel({ kind: "from", messageId: "1" })).toBe("from a message to now");
	});
});
