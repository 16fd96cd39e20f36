// Usage events the interaction path records: gathered per isolate for a short window and written with one
// D1 call, by the request that opened the window (src/metrics/record.ts).
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { expect, it, vi } from "vitest";
import { usageEvents } from "../../src/db/schema";
import type { Usage } from "../../src/metrics/analytics";
import { recordInteraction } from "../../src/metrics/record";

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
	// 20 rows: more than one insert statement holds, all in the one batch.
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
	await scheduler.wait(300);
	const second = counted();
	const late = usage("guild-d");
	recordInteraction(env, second.wrapped, late);
	expect(second.given).toHaveLength(1);
	await Promise.all([waitOnExecutionContext(first.ctx), waitOnExecutionContext(second.ctx)]);
	expect(await stored([early.id, late.id])).toHaveLength(2);
});
