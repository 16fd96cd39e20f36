// Every interaction leaves one record: an Analytics Engine data point and a usage event in D1,
// written after the answer. Admitted jobs are recorded by the consumer when they end.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it, vi } from "vitest";
import { usageEvents } from "../../src/db/schema";
import type { Work } from "../../src/jobs/pipeline";
import { usageOf } from "../../src/jobs/record";
import { dataPoint } from "../../src/metrics/analytics";
import { cacheSummary, guild } from "../helpers/guild";
import { id, sendOk, summarize } from "../helpers/interactions";

const db = drizzle(env.DB);
const outcomeOf = (interactionId: string) =>
	vi.waitUntil(async () => (await db.select().from(usageEvents).where(eq(usageEvents.id, interactionId)))[0]?.outcome ?? false, {
		timeout: 10_000,
	});

describe("usage records", () => {
	it("records refusals, cache hits and rate limits from the interaction path", async () => {
		const writes = vi.spyOn(env.ANALYTICS, "writeDataPoint");
		const refused = summarize({ since: "forever" });
		await sendOk(refused);
		expect(await outcomeOf(refused.id)).toBe("refused");

		const guildId = id();
		const channelId = id();
		const lastMessageId = id();
		await cacheSummary(guild(guildId), `${channelId}:n100:brief:en@${lastMessageId}`, { content: "cached" });
		const hit = summarize({}, { guildId, channelId, lastMessageId });
		expect((await sendOk(hit)).type).toBe(4);
		expect(await outcomeOf(hit.id)).toBe("cached");
		expect(writes).toHaveBeenCalledWith(expect.objectContaining({ indexes: [guildId], blobs: ["summarize", "cached", "brief", "", ""] }));

		const busyGuild = id();
		const limited = Array.from({ length: 11 }, () => summarize({}, { guildId: busyGuild }));
		for (const interaction of limited) await sendOk(interaction);
		expect(await outcomeOf(limited[10].id)).toBe("rate_limited");
		writes.mockRestore();
	});

	it("answers as usual when D1 refuses the usage event, and logs it as lost after retrying", async () => {
		const logged: unknown[] = [];
		const spy = vi.spyOn(console, "error").mockImplementation((line) => void logged.push(line));
		await env.DB.exec("ALTER TABLE usage_events RENAME TO usage_events_away");
		try {
			const refused = summarize({ since: "forever" });
			expect(await sendOk(refused)).toMatchObject({ type: 4, data: { flags: 64 } });
			await vi.waitUntil(() => logged.some((line) => String(line).includes('"d1.write_lost"')), { timeout: 10_000 });
		} finally {
			await env.DB.exec("ALTER TABLE usage_events_away RENAME TO usage_events");
			spy.mockRestore();
		}
	});

	it("shapes data points within Analytics Engine's limits, without message content", () => {
		const point = dataPoint({
			id: "1",
			guildId: "g",
			userId: "u",
			command: "summarize",
			outcome: "delivered",
			style: "brief",
			model: "gpt-4o-mini",
			latencyMs: 3,
			timeToResultMs: 900,
			tokensIn: 10,
			tokensOut: 5,
			messages: 100,
		});
		// The last double is the estimated cost in micro-USD: ceil(10 × 0.15 + 5 × 0.60).
		expect(point).toEqual({
			indexes: ["g"],
			blobs: ["summarize", "delivered", "brief", "gpt-4o-mini", ""],
			doubles: [3, 900, 10, 5, 100, 5],
		});
		expect(
			dataPoint({
				id: "1",
				guildId: "g",
				userId: "u",
				command: "summarize",
				outcome: "delivered",
				model: "unpriced-model",
				latencyMs: 3,
				tokensIn: 10,
			}).doubles,
		).toEqual([3, 0, 10, 0, 0, 0]);
	});

	it("gives an admitted job's record the time its interaction took to be admitted, and a digest none", () => {
		const job: Work = {
			guildId: "g",
			channelId: "c",
			origin: "c",
			userId: "u",
			range: { kind: "count", messages: 100 },
			style: "brief",
			locale: "en-US",
			public: false,
			interactionId: id(),
			requestedAt: 1_000,
			admittedAt: 1_042,
		};
		expect(usageOf(job, "expired", "summarize").latencyMs).toBe(42);
		expect(usageOf({ ...job, admittedAt: undefined }, "expired", "digest").latencyMs).toBe(0);
	});
});
