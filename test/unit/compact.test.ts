import { type APIMessage, MessageType } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { chunk } from "../../src/summarizer/chunk";
import { compact, MAX_LINE_CHARS, naiveRender, nameReplies, renderLine } from "../../src/summarizer/compact";
import { extractive } from "../../src/summarizer/extractive";
import { countTokens } from "../../src/summarizer/tokens";
import { message, user } from "../helpers/messages";

const alice = user("alice", { global_name: "Alice" });
const bob = user("bob");
const carol = user("carol");
const erin = user("erin");
const bot = user("deploybot", { bot: true });

describe("compact", () => {
	it("resolves mentions, emoji, timestamps and attachments to short readable text", () => {
		const [line] = compact(
			[
				message(
					alice,
					`hey <@${bob.id}> see <#5> and <@&7>, <:party:123456789012345678> <a:wave:223456789012345678> at <t:1790000000:R>`,
					0,
					{
						mentions: [bob],
						attachments: [
							{ id: "1", filename: "graph.png", content_type: "image/png", size: 10, url: "u", proxy_url: "p" },
							{ id: "2", filename: "notes.pdf", size: 10, url: "u", proxy_url: "p" },
							{ id: "3", filename: "Screenshot 2026-11-20 at 14.32.05.png", content_type: "image/png", size: 10, url: "u", proxy_url: "p" },
							{ id: "4", filename: "IMG_4821.MOV", content_type: "video/quicktime", size: 10, url: "u", proxy_url: "p" },
						],
					},
				),
			],
			{ names: { channels: new Map([["5", "general"]]) } },
		);
		expect(line.text).toBe(
			"hey @bob see #general and @role, :party: :wave: at 2026-09-21 14:13 [image: graph.png] [file: notes.pdf] [image] [video]",
		);
		expect(line.author).toBe("Alice");
	});

	it("cuts runs of one symbol, emoji or custom emoji to three, and leaves words and numbers alone", () => {
		const [line] = compact([
			message(
				alice,
				"nooooo!!!!!!!! 😂😂😂😂😂 <:kek:123456789012345678> <:kek:123456789012345678><:kek:123456789012345678> <:kek:123456789012345678> 10000",
				0,
			),
		]);
		expect(line.text).toBe("nooooo!!! 😂😂😂 :kek::kek::kek: 10000");
	});

	it("marks a reply with the line it answers, or with whom it answers when that message is on no line", () => {
		const original = message(bob, "ship it?", 0);
		const notice = message(bot, "deploy failed", 1);
		const reference = (to: APIMessage) => ({
			type: MessageType.Reply,
			message_reference: { message_id: to.id, channel_id: to.channel_id },
			referenced_message: to,
		});
		const lines = compact([
			original,
			message(carol, "wait", 1),
			notice,
			message(alice, "yes", 2, reference(original)),
			message(alice, "on it", 3, reference(notice)),
		]);
		expect(lines.map(renderLine)).toEqual(["0 bob: ship it?", "1 carol: wait", "2 Alice: >>0 yes / ↪ deploybot: on it"]);
	});

	it("names whom a reply answers when the reader can't see that line: a person, or a chunk read alone", () => {
		const authorAt = new Map([
			[3, "bob"],
			[9, "carol"],
		]);
		const text = ">>3 yes / plain / >>9 no / ↪ deploybot: done";
		expect(nameReplies(text, authorAt)).toBe("↪ bob: yes / plain / ↪ carol: no / ↪ deploybot: done");
		expect(nameReplies(text, authorAt, (line) => line === 9)).toBe("↪ bob: yes / plain / >>9 no / ↪ deploybot: done");
		expect(nameReplies(">>42 what?", authorAt)).toBe("↪ …: what?");
	});

	it("names whom a reply by line number answers, in an extractive summary", () => {
		const question = message(erin, "The version number in package.json still says 2.3", 0);
		const lines = compact([
			question,
			message(alice, "could you bump it in the changelog before Friday?", 10, { type: MessageType.Reply, referenced_message: question }),
		]);
		expect(lines[1].text).toBe(">>0 could you bump it in the changelog before Friday?");
		const [item] = extractive(lines, { style: "action_items" }).actionItems;
		expect(item).toEqual({ text: "↪ erin: could you bump it in the changelog before Friday?", owner: "erin", sources: [1] });
	});

	it("leaves out bots, webhooks, system messages, empty messages and opted-out members", () => {
		const lines = compact(
			[
				message(bot, "deployed", 0),
				message(alice, "webhook post", 1, { webhook_id: "9" }),
				message(bob, "", 2, { type: MessageType.UserJoin }),
				message(bob, "   ", 3),
				message(carol, "I opted out", 4),
				message(bob, "real message", 5),
				message(alice, "agreed with carol", 6, { type: MessageType.Reply, referenced_message: message(carol, "I opted out", 4) }),
			],
			{ excludedUserIds: new Set([carol.id]) },
		);
		expect(lines.map((line) => line.text)).toEqual(["real message", "agreed with carol"]);
	});

	it("merges an author's messages while each follows the last within five minutes", () => {
		const lines = compact([message(alice, "one", 0), message(alice, "two", 4), message(alice, "three", 8), message(alice, "four", 13)]);
		expect(lines.map((line) => line.text)).toEqual(["one / two / three", "four"]);
	});

	it("merges consecutive messages of one author, sorts by id and numbers lines from 0", () => {
		const messages = [message(alice, "one", 0), message(alice, "two", 1), message(bob, "three", 2), message(alice, "four", 20)];
		const lines = compact([...messages].reverse());
		expect(lines.map((line) => [line.index, line.author, line.text, line.messageIds.length])).toEqual([
			[0, "Alice", "one / two", 2],
			[1, "bob", "three", 1],
			[2, "Alice", "four", 1],
		]);
		expect(renderLine(lines[0])).toBe("0 Alice: one / two");
	});

	it("cuts only messages longer than Discord allows without Nitro, and marks the cut", () => {
		const longest = `${"word ".repeat(399)}end!`;
		const [short, full, long] = compact([message(alice, "fine", 0), message(carol, longest, 1), message(bob, "word ".repeat(800), 2)]);
		expect(short.text).toBe("fine");
		expect(full.text).toBe(longest);
		expect(long.text.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
		expect(long.text.endsWith("…[cut]")).toBe(true);
	});

	it("measures against a naive rendering that shows each attachment as its URL", () => {
		const attachment = {
			id: "1",
			filename: "image.png",
			content_type: "image/png",
			size: 10,
			url: "https://cdn.discordapp.com/attachments/1/2/image.png?ex=1",
			proxy_url: "p",
		};
		expect(naiveRender([message(alice, "<@1> look", 0), message(bob, "", 1, { attachments: [attachment] })])).toBe(
			`alice: <@1> look\nbob:  ${attachment.url}`,
		);
	});

	it("costs at most 0.6× the tokens of a naive rendering for chat as Discord has it", () => {
		// Bursts of messages by one author, mentions and custom emoji by id, a bot posting notifications.
		const people = [alice, bob, carol, user("dave")];
		const messages = Array.from({ length: 600 }, (_, i) => {
			if (i % 10 === 9) return message(bot, `Deployment #${i} finished: https://ci.example/runs/${i}`, i);
			const from = people[Math.floor(i / 3) % 4];
			const to = people[(Math.floor(i / 3) + 1) % 4];
			const text = [
				`<@${to.id}> can you check the build`,
				"looks good <:thumbsup:123456789012345678>",
				`also see <#223456789012345678> <:eyes:323456789012345678>`,
			][i % 3];
			return message(from, text, i / 4, { mentions: [to] });
		});
		const ratio = countTokens(compact(messages).map(renderLine).join("\n")) / countTokens(naiveRender(messages));
		expect(ratio).toBeLessThanOrEqual(0.6);
	});
});

describe("chunk", () => {
	const lines = compact(
		Array.from({ length: 3000 }, (_, i) =>
			message(user(`u${i % 7}`), `message number ${i} about the release plan and its many details`, i),
		),
	);

	it("keeps every window within the budget and every line exactly once", () => {
		const windows = chunk(lines, 2000);
		expect(windows.flat()).toEqual(lines);
		for (const window of windows) expect(countTokens(window.map(renderLine).join("\n"))).toBeLessThanOrEqual(2000);
		expect(windows.length).toBeGreaterThan(1);
	});

	it("cuts a run into windows of about equal size, none a sliver", () => {
		const sizes = chunk(lines.slice(0, 1100), 2000).map((window) => countTokens(window.map(renderLine).join("\n")));
		expect(sizes.length).toBeGreaterThan(1);
		expect(Math.min(...sizes)).toBeGreaterThan(0.7 * Math.max(...sizes));
	});

	it("gives an oversized line a window of its own", () => {
		const big = { ...lines[0], text: "x ".repeat(5000) };
		const windows = chunk([lines[1], big, lines[2]], 500);
		expect(windows).toEqual([[lines[1]], [big], [lines[2]]]);
	});
});
