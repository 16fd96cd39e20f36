import { type APIMessage, type APIUser, MessageType } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import type { Line } from "../../src/domain/line";
import { compact } from "../../src/summarizer/compact";
import { extractive } from "../../src/summarizer/extractive";
import { terms } from "../../src/summarizer/text-rank";
import { message, user } from "../helpers/messages";
import { generateMessages } from "../stand-ins/discord-messages";

const [alice, bob, carol, dave, erin, frank] = ["alice", "bob", "carol", "dave", "erin", "frank"].map((name) => user(name));

/** Lines from [author, text] pairs ten minutes apart, so compaction merges none of them. */
function conversationOf(turns: readonly (readonly [APIUser, string])[]): Line[] {
	return compact(turns.map(([who, text], i) => message(who, text, i * 10)));
}

// A team deciding on a release, among chit-chat; dave talks most and says least.
const release = [
	[alice, "morning all"],
	[dave, "morning! is the coffee machine on the third floor broken again?"],
	[bob, "lol"],
	[alice, "We decided to ship v2.4 on Friday, once the staging database migration passes"],
	[dave, "ok"],
	[carol, "The staging migration failed last night because the index on usage events timed out"],
	[dave, "haha nice"],
	[bob, "@carol can you rerun the migration with the index built concurrently by Thursday?"],
	[dave, "anyone want to grab lunch later? thinking tacos or that new ramen place"],
	[carol, "I'll rerun the staging migration tonight and post the timings in the release channel"],
	[erin, "Release notes draft: https://docs.example/release-notes (please review the migration section)"],
	[dave, "thanks"],
	[dave, "👍"],
	[frank, "If the migration still fails on Thursday we postpone the release to Monday and keep v2.3 running"],
	[dave, "did anyone watch the game last night? that ending was wild"],
	[
		bob,
		"Load tests on the release candidate with the new migration look good: p95 latency dropped from 480ms to 310ms, see https://grafana.example/d/release.",
	],
	[dave, "brb"],
	[erin, "TODO: update the runbook with the new rollback steps for the migration"],
	[alice, "thanks @bob"],
	[dave, "lol same"],
] as const;
const lines = conversationOf(release);
const at = (text: string) => release.findIndex(([, said]) => said === text);
const DECISION = at("We decided to ship v2.4 on Friday, once the staging database migration passes");
const FAILURE = at("The staging migration failed last night because the index on usage events timed out");
const FALLBACK = at("If the migration still fails on Thursday we postpone the release to Monday and keep v2.3 running");
const LOAD_TESTS = release.findIndex(([, said]) => said.startsWith("Load tests"));
const ASK_CAROL = release.findIndex(([, said]) => said.startsWith("@carol can you"));
const CAROL_COMMITS = release.findIndex(([, said]) => said.startsWith("I'll rerun"));
const NOTES = release.findIndex(([, said]) => said.startsWith("Release notes draft"));
const RUNBOOK = release.findIndex(([, said]) => said.startsWith("TODO"));
const CHIT_CHAT = release.flatMap(([who], i) => (who === dave ? [i] : [])).concat(at("morning all"), at("lol"), at("thanks @bob"));

const cited = (points: { sources: number[] }[]) => points.map((point) => point.sources[0]);

describe("extractive points", () => {
	const brief = extractive(lines, { style: "brief" });

	it("quote the decision and the problem, not the chit-chat, in conversation order", () => {
		expect(cited(brief.points)).toEqual(expect.arrayContaining([DECISION, FAILURE]));
		for (const i of CHIT_CHAT) expect(cited(brief.points)).not.toContain(i);
		expect(cited(brief.points)).toEqual([...cited(brief.points)].sort((a, b) => a - b));
		for (const point of brief.points) {
			expect(point.sources).toHaveLength(1);
			expect(point.text).toBe(lines[point.sources[0]].text);
		}
		expect(brief.model).toBe("extractive");
		expect(brief.usage).toEqual({ tokensIn: 0, tokensOut: 0 });
	});

	it("grow with the style, adding substance and still no chit-chat", () => {
		const detailed = extractive(lines, { style: "detailed" });
		expect(brief.points.length).toBeGreaterThanOrEqual(2);
		expect(brief.points.length).toBeLessThanOrEqual(5);
		expect(detailed.points.length).toBeGreaterThan(brief.points.length);
		expect(cited(detailed.points)).toEqual(expect.arrayContaining([DECISION, FAILURE, FALLBACK, LOAD_TESTS]));
		for (const i of CHIT_CHAT) expect(cited(detailed.points)).not.toContain(i);
		expect(extractive(lines, { style: "detailed", maxPoints: 2 }).points).toHaveLength(2);
	});

	it("hear several voices when one member has much to say", () => {
		// dave has seven distinct lines at the heart of the topic; the others one or two each.
		const busy = conversationOf([
			[dave, "The release migration is slow: the usage events index rebuild locks the usage events table"],
			[alice, "Can we split the migration so the index build runs separately from the schema change?"],
			[dave, "Rebuilding the usage events index concurrently avoids locking the usage events table during the release migration"],
			[dave, "The release migration also rewrites every usage events row to backfill the new column, which doubles the migration time"],
			[erin, "What does the on-call rota look like for release week?"],
			[carol, "Backfilling the column in batches after the release would keep the migration short"],
			[dave, "Staging has less memory than production, so the usage events migration timings on staging are pessimistic for the release"],
			[dave, "Pausing the usage events writer during the release migration avoids lock contention on the index"],
			[bob, "Decided: the release ships with the schema change only; the backfill runs in batches next week"],
			[dave, "The usage events index must be rebuilt concurrently before the migration backfill starts, or the release stalls"],
			[dave, "Migration dry run on a copy of the usage events table: index rebuild took 14 minutes, release window is 30"],
			[erin, "The marketing page for the release goes live at noon"],
		]);
		const authorsOf = (style: "brief" | "bullets") => extractive(busy, { style }).points.map((point) => busy[point.sources[0]].author);
		expect(new Set(authorsOf("brief")).size).toBe(authorsOf("brief").length);
		expect(new Set(authorsOf("bullets")).size).toBeGreaterThanOrEqual(3);
		expect(authorsOf("bullets").filter((name) => name === "dave").length).toBeLessThanOrEqual(2);
		expect(cited(extractive(busy, { style: "brief" }).points)).toContain(busy.findIndex((line) => line.text.startsWith("Decided:")));
	});

	it("cut long lines at a word boundary", () => {
		const long = conversationOf([
			[
				alice,
				`The migration plan for the release: ${"we rebuild the usage events index concurrently, then backfill in batches; ".repeat(8)}`,
			],
			[bob, "The release migration plan sounds right, the index rebuild must come before the backfill"],
		]);
		const [point] = extractive(long, { style: "detailed" }).points.filter((p) => p.sources[0] === 0);
		expect(point.text.length).toBeLessThanOrEqual(301);
		expect(point.text).toMatch(/[a-z;,]…$/);
		expect(long[0].text.startsWith(point.text.slice(0, -1))).toBe(true);
	});
});

describe("extractive action items", () => {
	it("find requests, commitments and to-dos, with who is to act", () => {
		const { actionItems, points } = extractive(lines, { style: "action_items" });
		const bySource = new Map(actionItems.map((item) => [item.sources[0], item]));
		expect(bySource.get(ASK_CAROL)).toMatchObject({ owner: "carol", text: release[ASK_CAROL][1] });
		expect(bySource.get(CAROL_COMMITS)).toMatchObject({ owner: "carol" });
		expect(bySource.get(NOTES)).toMatchObject({ owner: null });
		expect(bySource.get(RUNBOOK)).toMatchObject({ owner: null });
		for (const i of [DECISION, FAILURE, LOAD_TESTS, at("thanks @bob"), ...CHIT_CHAT]) expect(bySource.has(i)).toBe(false);
		expect(cited(actionItems)).toEqual([...cited(actionItems)].sort((a, b) => a - b));
		// The points give context and don't repeat the action items.
		for (const i of cited(points)) expect(bySource.has(i)).toBe(false);
	});

	it("are few and clear-cut in the other styles, and not repeated as points", () => {
		const brief = extractive(lines, { style: "brief" });
		expect(cited(brief.actionItems)).toEqual([ASK_CAROL, CAROL_COMMITS]);
		for (const i of cited(brief.points)) expect(cited(brief.actionItems)).not.toContain(i);
	});

	it("take the owner from a reply, a name with spaces, or the author who commits", () => {
		const mary = user("mary", { global_name: "Mary Jane" });
		const question = message(erin, "The version number in package.json still says 2.3", 0);
		const messages: APIMessage[] = [
			question,
			message(alice, "could you also bump it in the changelog?", 10, { type: MessageType.Reply, referenced_message: question }),
			message(mary, "The deploy checklist has a new step for the database backup", 20),
			message(bob, `<@${mary.id}> can you review the deploy checklist before the release?`, 30, { mentions: [mary] }),
			message(frank, "On it, will post the load test numbers by 5pm", 40),
			message(carol, "I'll be honest, the dashboard colours are hard to read", 50),
			message(dave, "let me know when the release is out", 60),
			message(erin, "email me at erin@example.com about the release before Friday", 70),
			message(alice, "@bob please review", 80),
			message(bob, "will do", 90),
		];
		const items = extractive(compact(messages), { style: "action_items" }).actionItems;
		expect(items.map((item) => [item.sources[0], item.owner])).toEqual([
			[1, "erin"],
			[3, "Mary Jane"],
			[4, "frank"],
			[7, null],
			[8, "bob"],
		]);
	});

	it("quote the one message that asks, when a member's messages were merged", () => {
		const merged = compact([
			message(bob, "the staging database is back up", 0),
			message(bob, "@carol can you rerun the migration tonight?", 1, {}),
			message(bob, "also the dashboards look fine", 2),
		]);
		expect(merged).toHaveLength(1);
		expect(extractive(merged, { style: "action_items" }).actionItems).toEqual([
			{ text: "@carol can you rerun the migration tonight?", owner: "carol", sources: [0] },
		]);
	});
});

describe("extractive participants and links", () => {
	it("count each member's messages, most active first, ties by name", () => {
		const summary = extractive(lines, { style: "brief" });
		expect(summary.participants).toEqual([
			{ name: "dave", messages: 9 },
			{ name: "alice", messages: 3 },
			{ name: "bob", messages: 3 },
			{ name: "carol", messages: 2 },
			{ name: "erin", messages: 2 },
			{ name: "frank", messages: 1 },
		]);
		// Messages merged into one line still count one by one.
		const merged = compact([message(erin, "first", 0), message(erin, "second", 1), message(alice, "third", 2)]);
		expect(extractive(merged, { style: "brief" }).participants).toEqual([
			{ name: "erin", messages: 2 },
			{ name: "alice", messages: 1 },
		]);
	});

	it("list each link once, in order of first appearance, without the punctuation around it", () => {
		expect(extractive(lines, { style: "brief" }).links).toEqual([
			"https://docs.example/release-notes",
			"https://grafana.example/d/release",
		]);
		const more = conversationOf([
			[alice, "see https://en.wikipedia.org/wiki/Canary_(release), and <https://example.com/a?b=1>"],
			[bob, "[the PR](https://github.com/org/repo/pull/42) fixes it; also https://example.com/a?b=1!"],
		]);
		expect(extractive(more, { style: "brief" }).links).toEqual([
			"https://en.wikipedia.org/wiki/Canary_(release)",
			"https://example.com/a?b=1",
			"https://github.com/org/repo/pull/42",
		]);
	});
});

describe("extractive edge cases", () => {
	it("handles no lines, one line and two lines", () => {
		expect(extractive([], { style: "detailed" })).toEqual({
			model: "extractive",
			points: [],
			actionItems: [],
			participants: [],
			links: [],
			usage: { tokensIn: 0, tokensOut: 0 },
		});

		const one = lines.slice(DECISION, DECISION + 1);
		expect(extractive(one, { style: "brief" }).points).toEqual([{ text: release[DECISION][1], sources: [DECISION] }]);

		const two = lines.slice(FAILURE, FAILURE + 3).filter((line) => line.author !== "dave");
		expect(two).toHaveLength(2);
		expect(cited(extractive(two, { style: "brief" }).points)).toHaveLength(1);
		expect(cited(extractive(two, { style: "detailed" }).points).length).toBeLessThanOrEqual(2);

		// Nothing but chit-chat: nothing worth quoting, but still who was there.
		const idle = conversationOf([
			[alice, "lol"],
			[bob, "👍"],
		]);
		expect(extractive(idle, { style: "bullets" })).toMatchObject({
			points: [],
			actionItems: [],
			participants: [{ name: "alice" }, { name: "bob" }],
		});
	});

	it("copes with text in other scripts", () => {
		const chinese = conversationOf([
			[alice, "好的"],
			[bob, "我们决定周五发布新版本，前提是数据库迁移通过测试"],
			[dave, "哈哈"],
			[carol, "数据库迁移在测试环境失败了，因为索引超时"],
			[dave, "午饭吃什么"],
		]);
		const points = cited(extractive(chinese, { style: "brief" }).points);
		expect(points).toEqual([1, 3]);
		const mixed = conversationOf([
			[alice, "Die Datenbankmigration für das Release ist auf Staging fehlgeschlagen"],
			[bob, "¿La migración de la base de datos bloquea el release del viernes?"],
			[carol, "Die Datenbankmigration läuft jetzt, das Release kann am Freitag raus"],
		]);
		expect(cited(extractive(mixed, { style: "brief" }).points)).toEqual([0, 2]);
	});

	it("is deterministic", () => {
		for (const style of ["brief", "bullets", "detailed", "action_items"] as const) {
			expect(extractive(structuredClone(lines), { style })).toEqual(extractive(lines, { style }));
		}
	});

	it("summarizes 10,000 messages of generated history", () => {
		// workerd's clock stands still while code runs, so speed is measured outside the tests (about 0.1 s).
		const history = compact(generateMessages({ channelId: "42", count: 10_000, seed: 3, endTime: Date.UTC(2026, 0, 1) }));
		expect(history.length).toBeGreaterThan(4000);
		const summary = extractive(history, { style: "detailed" });
		expect(summary.points).toHaveLength(12);
		expect(cited(summary.points)).toEqual([...cited(summary.points)].sort((a, b) => a - b));
		expect(new Set(summary.points.map((point) => point.text)).size).toBe(12);
		expect(new Set(summary.points.map((point) => history[point.sources[0]].author)).size).toBeGreaterThanOrEqual(4);
		for (const point of summary.points) expect(new Set(terms(point.text)).size).toBeGreaterThanOrEqual(2);
		const actions = extractive(history, { style: "action_items" }).actionItems;
		expect(actions.length).toBeGreaterThan(0);
		for (const item of actions) expect(history[item.sources[0]].text).toContain(item.text.replace(/…$/, ""));
		expect(summary.participants.reduce((sum, p) => sum + p.messages, 0)).toBe(
			history.reduce((sum, line) => sum + line.messageIds.length, 0),
		);
	});
});
