// What a server, or the bot as a whole, may spend: rate limits charged by the size of a range, and daily
// LLM token budgets in D1 (a guild's, set with /config, and LLM_TOKENS_PER_DAY overall). Past a budget the
// summary is made without the LLM and says why. Through signed interactions, real queue batches and D1.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it, vi } from "vitest";
import { OVERALL_SCOPE, reserve, usedToday as usedTodayIn, utcDay } from "../../src/db/llm-budget";
import { guildSettings, summaries } from "../../src/db/schema";
import { buttonId } from "../../src/discord/buttons";
import type { SummaryJob } from "../../src/domain/job";
import { guild } from "../helpers/guild";
import { buttonClick, id, sendOk, summarize } from "../helpers/interactions";
import { consumeWith, summaryJob } from "../helpers/jobs";
import { llmCalls } from "../helpers/llm";
import { message, user } from "../helpers/messages";
import { resultsFor, seedChannel } from "../helpers/stand-in";

const db = drizzle(env.DB);
const withKey = { ...env, OPENAI_API_KEY: "test-key" };

const job = (marker: string) => summaryJob({ token: `token-${marker}-${id()}` });

/** Seeds `summaryJob`'s channel with a conversation carrying `marker`, runs the job, and returns its delivered text. */
async function run(summaryJob: SummaryJob, marker: string, bindings: Env = withKey): Promise<string> {
	const [alice, bob] = [user("alice"), user("bob")];
	await seedChannel(summaryJob.channelId, [
		message(alice, `${marker} we agreed to move the launch to Tuesday after the load test`, 0),
		message(bob, `${marker} the load test needs the new staging cluster, which Dana sets up on Monday`, 1),
		message(alice, `${marker} then Dana owns the cluster and I will book the launch call`, 2),
	]);
	expect((await consumeWith(bindings, 1, summaryJob)).explicitAcks).toEqual(["m0"]);
	const [edit] = await resultsFor(summaryJob.token);
	return JSON.stringify(edit.body);
}

const usedToday = (scope: string) => usedTodayIn(db, scope, Date.now());

describe("daily LLM token budgets", () => {
	it("past a server's budget, the summary is extractive, says why, and no LLM call is made", async () => {
		const marker = `budget-${id()}`;
		const summaryJob = job(marker);
		await db.insert(guildSettings).values({ guildId: summaryJob.guildId, llmTokensPerDay: 500, updatedBy: "admin", updatedAt: new Date() });
		const shown = await run(summaryJob, marker);
		expect(shown).toContain("This server's daily LLM budget (500 tokens) is used up");
		expect(shown).toContain("/config set llm_tokens_per_day");
		expect(shown).toContain("extractive summary (no LLM)");
		expect(await llmCalls(marker)).toHaveLength(0);
		expect(await usedToday(summaryJob.guildId)).toBe(0);
		const [row] = await db.select().from(summaries).where(eq(summaries.id, summaryJob.interactionId));
		expect(row).toMatchObject({ model: "extractive", fallback: true });
	});

	it("counts what the calls cost against the server's day: set aside before, settled after", async () => {
		const marker = `spend-${id()}`;
		const summaryJob = job(marker);
		const shown = await run(summaryJob, marker);
		expect(shown).not.toContain("budget");
		expect(await llmCalls(marker)).toHaveLength(1);
		const [row] = await db.select().from(summaries).where(eq(summaries.id, summaryJob.interactionId));
		expect(row.tokensIn + row.tokensOut).toBeGreaterThan(0);
		expect(await usedToday(summaryJob.guildId)).toBe(row.tokensIn + row.tokensOut);
	});

	it("the overall budget (LLM_TOKENS_PER_DAY) binds every server, and what the server's budget took is given back", async () => {
		const marker = `overall-${id()}`;
		const summaryJob = job(marker);
		const before = await usedToday(OVERALL_SCOPE);
		const shown = await run(summaryJob, marker, { ...withKey, LLM_TOKENS_PER_DAY: String(before + 100) });
		expect(shown).toContain("Summary Bot's daily LLM budget for all servers");
		expect(shown).not.toContain("/config set");
		expect(await llmCalls(marker)).toHaveLength(0);
		expect(await usedToday(summaryJob.guildId)).toBe(0);
		expect(await usedToday(OVERALL_SCOPE)).toBe(before);
	});

	it("a refusal stands when D1 fails to give back what an earlier budget took", async () => {
		const [scope, full] = [id(), id()];
		const day = utcDay(Date.now());
		// The give-back is an update of the first budget's row: D1 refuses it.
		await env.DB.exec(
			`CREATE TRIGGER keep_${scope} BEFORE UPDATE ON llm_tokens WHEN NEW.scope = '${scope}' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
		);
		const events: string[] = [];
		const logged = vi.spyOn(console, "error").mockImplementation((line) => void events.push(JSON.parse(String(line)).event));
		try {
			const spent = await reserve(
				db,
				[
					{ scope, limit: 1000 },
					{ scope: full, limit: 100 },
				],
				day,
				300,
			);
			expect(spent).toMatchObject({ overall: false, limit: 100 });
		} finally {
			await env.DB.exec(`DROP TRIGGER keep_${scope}`);
			logged.mockRestore();
		}
		expect(events).toEqual(["d1.write_lost"]);
	});

	it("a reservation D1 fails halfway gives back what the first budget took, so a retry takes it once", async () => {
		const [scope, failing] = [id(), id()];
		const day = utcDay(Date.now());
		// D1 refuses the second budget's statement, after the first one took its tokens.
		await env.DB.exec(
			`CREATE TRIGGER refuse_${failing} BEFORE INSERT ON llm_tokens WHEN NEW.scope = '${failing}' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
		);
		try {
			await expect(
				reserve(
					db,
					[
						{ scope, limit: 1000 },
						{ scope: failing, limit: 1000 },
					],
					day,
					300,
				),
			).rejects.toThrow();
		} finally {
			await env.DB.exec(`DROP TRIGGER refuse_${failing}`);
		}
		expect(await usedToday(scope)).toBe(0);
	});

	it("a mistyped LLM_TOKENS_PER_DAY spends nothing: the summary is extractive, and the log names the setting", async () => {
		const marker = `mistyped-${id()}`;
		const logged: string[] = [];
		const spy = vi.spyOn(console, "error").mockImplementation((line) => void logged.push(String(line)));
		try {
			const shown = await run(job(marker), marker, { ...withKey, LLM_TOKENS_PER_DAY: "two million" });
			expect(shown).toContain("Summary Bot's daily LLM budget for all servers");
		} finally {
			spy.mockRestore();
		}
		expect(await llmCalls(marker)).toHaveLength(0);
		expect(logged.map((line) => JSON.parse(line))).toContainEqual({ event: "config.invalid", name: "LLM_TOKENS_PER_DAY" });
		expect(logged.join("\n")).not.toContain("two million");
	});

	it("D1 refusing the budget's table does not fail the job: the LLM summary is made, and the loss logged", async () => {
		const marker = `no-ledger-${id()}`;
		const summaryJob = job(marker);
		const logged: string[] = [];
		const spy = vi.spyOn(console, "error").mockImplementation((line) => void logged.push(String(line)));
		await env.DB.exec("ALTER TABLE llm_tokens RENAME TO llm_tokens_away");
		try {
			expect(await run(summaryJob, marker)).not.toContain("LLM budget");
		} finally {
			await env.DB.exec("ALTER TABLE llm_tokens_away RENAME TO llm_tokens");
			spy.mockRestore();
		}
		expect(await llmCalls(marker)).toHaveLength(1);
		expect(logged.map((line) => JSON.parse(line))).toContainEqual(
			expect.objectContaining({ event: "d1.write_lost", guild: summaryJob.guildId }),
		);
		expect(await usedToday(summaryJob.guildId)).toBe(0);
	});

	it("jobs racing for the last of a budget can't take more than it holds", async () => {
		const scope = id();
		const day = utcDay(Date.now());
		const refusals = await Promise.all(Array.from({ length: 12 }, () => reserve(db, [{ scope, limit: 1000 }], day, 300)));
		expect(refusals.filter((refusal) => refusal === null)).toHaveLength(3);
		expect(refusals.find((refusal) => refusal !== null)).toEqual({ overall: false, limit: 1000, renewsAt: (day + 1) * 86_400_000 });
		expect(await usedToday(scope)).toBe(900);
	});
});

describe("rate limits charged by size", () => {
	it("a 10,000-message range costs what ten 1,000-message ones do, at most a full bucket", async () => {
		const guildId = id();
		const member = id();
		// A range this large is confirmed first (confirm.test.ts): the charge comes with Summarize.
		const confirm = (messages: number, channelId = id()) =>
			buttonClick(buttonId("confirm", { channelId, range: { kind: "count", messages }, style: "brief" }), {
				guildId,
				channelId,
				userId: member,
			});
		expect(await sendOk(confirm(10_000))).toEqual({ type: 6 });
		// The member's bucket (6) and the server's (10) were emptied by it; the server's refills later.
		const again = await sendOk(summarize({ messages: 100 }, { guildId, userId: member }));
		expect(again).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining("This server has asked for many") } });
		expect(JSON.stringify(again)).not.toContain("per 1,000 messages");
		const other = await sendOk(summarize({ messages: 2000 }, { guildId }));
		expect(other).toMatchObject({
			type: 4,
			data: { flags: 64, content: expect.stringContaining("A range counts as one request per 1,000 messages") },
		});
	});

	it("a time range is charged for what it read beyond its one request, once read", async () => {
		const guildId = id();
		const member = id();
		const object = guild(guildId);
		const asked = (range: SummaryJob["range"]) => ({ ...job("charge"), guildId, userId: member, range });
		const since = { kind: "since", seconds: 86_400, maxMessages: 10_000 } as const;
		expect(await object.admit(asked(since))).toMatchObject({ outcome: "admitted" });
		await object.chargeRead(member, since, 3_500);
		// 1 at admission and 3 more once read: 2 of the member's 6 are left.
		const outcomes = [];
		for (let i = 0; i < 3; i++) outcomes.push((await object.admit(asked({ kind: "count", messages: 100 }))).outcome);
		expect(outcomes).toEqual(["admitted", "admitted", "denied"]);
	});
});
