// Usage events the interaction path records: gathered per isolate for a short window and written with one
// D1 call, by the request that opened the window (src/metrics/record.ts).
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { expect, it, vi } from "vitest";
import { usageEvents } from "../../src/db/schema";
import type { Usage } from "../../src/metrics/analytics";
import { recordInteraction, USAGE_WRITE_WINDOW_MS } from "../../src/metrics/record";
import { usageRow, writeUsageEvents } from "../../src/metrics/usage-event";

let next = 0;
function usage(guildId: string): Usage {
	next++;
	return { id: `usage-${next}`, guildId, userId: `user-${next}`, command: "summarize", outcome: "cached", style: "brief", latencyMs: 3 };
}

/** A request's context that counts the work it is given to finish after its answer. */
function counted() {
	const ctx = createExecutionContext();
	const given: Promise<unknown>[] = [];
	const wrapped: ExecutionContext = Object.assign(Object.create(ctx) as ExecutionContext, {
		waitUntil: (promise: Promise<unknown>) => {
			given.push(promise);
			ctx.waitUntil(promise);
		},
	});
	return { ctx, wrapped, given };
}

const stored = (ids: string[]) => drizzle(env.DB).select().from(usageEvents).where(inArray(usageEvents.id, ids));

it("writes the events of one window together, by the request that opened it, none lost", async () => {
	const requests = Array.from({ length: 20 }, counted);
	const events = requests.map((_, i) => usage(i % 2 ? "guild-a" : "guild-b"));
	const batches = vi.spyOn(env.DB, "batch");
	for (const [i, request] of requests.entries()) recordInteraction(env, request.wrapped, events[i]);

	expect(requests.map((request) => request.given.length)).toEqual([1, ...Array(19).fill(0)]);
	await waitOnExecutionContext(requests[0].ctx);
	expect(batches).toHaveBeenCalledTimes(1);
	batches.mockRestore();
	const rows = await stored(events.map((event) => event.id));
	expect(rows.map((row) => row.id).sort()).toEqual(events.map((event) => event.id).sort());
	expect(rows.find((row) => row.id === events[1].id)).toMatchObject({ guildId: "guild-a", outcome: "cached", latencyMs: 3 });
});

it("opens a new window once the last was written", async () => {
	const first = counted();
	const early = usage("guild-c");
	recordInteraction(env, first.wrapped, early);
	await waitOnExecutionContext(first.ctx);
	const second = counted();
	const late = usage("guild-c");
	recordInteraction(env, second.wrapped, late);
	expect(second.given).toHaveLength(1);
	await waitOnExecutionContext(second.ctx);
	expect(await stored([early.id, late.id])).toHaveLength(2);
});

it("an event recorded while the last window is being written opens a window of its own", async () => {
	const first = counted();
	const early = usage("guild-d");
	recordInteraction(env, first.wrapped, early);
	await scheduler.wait(USAGE_WRITE_WINDOW_MS + 50);
	const second = counted();
	const late = usage("guild-d");
	recordInteraction(env, second.wrapped, late);
	expect(second.given).toHaveLength(1);
	await Promise.all([waitOnExecutionContext(first.ctx), waitOnExecutionContext(second.ctx)]);
	expect(await stored([early.id, late.id])).toHaveLength(2);
});

it("stores every field of every row as drizzle's own insert would, in one batch of more statements than one", async () => {
	const usages: Usage[] = Array.from({ length: 1001 }, (_, i) => ({
		...usage(`guild-${i % 3}`),
		command: i % 2 ? "summarize" : "Summarize from here",
		outcome: i % 5 ? "delivered" : "cached",
		latencyMs: i,
		timeToResultMs: i % 4 ? 1000 + i : null,
		tokensIn: i * 7,
		tokensOut: i * 3,
		model: "gpt-4o-mini",
	}));
	const before = Date.now();
	const batches = vi.spyOn(env.DB, "batch");
	expect(await writeUsageEvents(env, usages)).toBe(true);
	const statements = batches.mock.calls.map(([statements]) => statements.length);
	batches.mockRestore();
	expect(statements).toEqual([2]);
	const rows = await drizzle(env.DB)
		.select()
		.from(usageEvents)
		.where(inArray(usageEvents.guildId, ["guild-0", "guild-1", "guild-2"]));
	expect(rows).toHaveLength(usages.length);
	for (const row of rows) {
		expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before);
		expect(row.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
	}
	const byId = new Map(rows.map((row) => [row.id, row]));
	expect(usages.map((u) => byId.get(u.id))).toEqual(usages.map((u) => usageRow(u, byId.get(u.id)?.createdAt)));
	expect(
		await writeUsageEvents(
			env,
			usages.slice(0, 3).map((u) => ({ ...u, latencyMs: -1 })),
		),
	).toBe(true);
	expect((await stored([usages[0].id])).map((row) => row.latencyMs)).toEqual([0]);
});
