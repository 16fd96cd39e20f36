// The coordinator's budget, on a clock of its own: the global limit with leases, Discord's buckets, 429 holds,
// the hold after an eviction, and the fair split between guilds.
import { describe, expect, it } from "vitest";
import { Budget, GLOBAL, LEASE, type Outcome, share } from "../../src/discord/budget";

const ROUTE = "GET /channels/111111111111111111/messages";
const WINDOW = GLOBAL.windowMs;

function sent(lease: string, route = ROUTE, fields: Partial<Outcome> = {}): Outcome {
	return { lease, route, status: 200, ...fields };
}

/** A budget whose route has a known, roomy bucket (so only the global limit binds). */
function roomy(): Budget {
	const budget = new Budget("t.");
	const { lease } = budget.grant(ROUTE, 1, 0);
	budget.settle([sent(lease, ROUTE, { bucket: { id: "b", limit: 1000, remaining: 999, resetAfterMs: 60_000 } })], 0);
	return budget;
}

describe("Budget", () => {
	it("counts a leased slot until it is reported, an answered one a window after the coordinator heard of it", () => {
		const budget = roomy();
		expect(budget.globalFree(0)).toBe(GLOBAL.limit - 1);
		const lease = budget.grant(ROUTE, 8, 0);
		expect(budget.globalFree(0)).toBe(GLOBAL.limit - 9);
		// Two answered by 200 count a window from then; six not needed are free at once.
		budget.settle([sent(lease.lease), sent(lease.lease)], 200);
		budget.settle(
			Array.from({ length: 6 }, () => sent(lease.lease, ROUTE, { status: null })),
			200,
		);
		expect(budget.globalFree(200)).toBe(GLOBAL.limit - 3);
		expect(budget.globalFree(200 + WINDOW)).toBe(GLOBAL.limit);
	});

	it("holds a lease's unreported slots until it is forgotten, as an isolate that died never reports them", () => {
		const budget = roomy();
		budget.grant(ROUTE, 8, 0);
		budget.sweep(LEASE.validMs + LEASE.forgetAfterMs - 1);
		expect(budget.globalFree(LEASE.validMs + LEASE.forgetAfterMs - 1)).toBe(GLOBAL.limit - 8);
		expect(budget.nextGlobalChange(WINDOW)).toBe(LEASE.validMs + LEASE.forgetAfterMs);
		budget.sweep(LEASE.validMs + LEASE.forgetAfterMs);
		expect(budget.globalFree(LEASE.validMs + LEASE.forgetAfterMs)).toBe(GLOBAL.limit);
	});

	it("probes an unknown route one slot at a time, then shares the bucket Discord names between the routes in it", () => {
		const budget = new Budget("t.");
		expect(budget.routeFree(ROUTE, 0)).toBe(1);
		const probe = budget.grant(ROUTE, 1, 0);
		expect(budget.routeFree(ROUTE, 0)).toBe(0);
		budget.settle([sent(probe.lease, ROUTE, { bucket: { id: "msgs", limit: 5, remaining: 4, resetAfterMs: 1000 } })], 10);
		expect(budget.routeFree(ROUTE, 10)).toBe(4);
		const other = `${ROUTE}/:id`;
		const second = budget.grant(other, 1, 10);
		budget.settle([sent(second.lease, other, { bucket: { id: "msgs", limit: 5, remaining: 3, resetAfterMs: 990 } })], 20);
		expect(budget.routeFree(ROUTE, 20)).toBe(3);
		// An older answer arriving late doesn't raise what is left.
		budget.settle([sent("gone", ROUTE, { bucket: { id: "msgs", limit: 5, remaining: 4, resetAfterMs: 985 } })], 25);
		expect(budget.routeFree(other, 25)).toBe(3);
		expect(budget.routeFree(ROUTE, 1011)).toBe(5);
	});

	it("holds a route after its 429, and every route after a global one, whichever isolate saw it", () => {
		const budget = roomy();
		budget.settle([sent("elsewhere", ROUTE, { status: 429, retryAfterMs: 2000 })], 0);
		expect(budget.routeFree(ROUTE, 1999)).toBe(0);
		expect(budget.routeResetAt(ROUTE, 0)).toBe(2000);
		expect(budget.globalFree(0)).toBeGreaterThan(0);
		budget.settle([sent("elsewhere", "GET /guilds/1/roles", { status: 429, retryAfterMs: 500, global: true })], 0);
		expect(budget.globalFree(499)).toBe(0);
		expect(budget.nextGlobalChange(0)).toBe(500);
		expect(budget.settle([sent("x", ROUTE, { status: 403 }), sent("x", ROUTE, { status: 404 })], 600)).toBe(1);
	});

	it("after an eviction, grants nothing until the last lease an earlier instance could have handed out is over", () => {
		const budget = new Budget("new.", 5000);
		expect(budget.globalFree(5000 + WINDOW - 1)).toBe(0);
		expect(budget.nextGlobalChange(0)).toBe(5000 + WINDOW);
		expect(budget.globalFree(5000 + WINDOW)).toBe(GLOBAL.limit);
	});
});

describe("share", () => {
	const wants = (ask: { slots: number }) => ask.slots;
	const asks = (guild: string, count: number, slots: number, route = `route-${guild}`) =>
		Array.from({ length: count }, () => ({ guild, route, slots }));

	it("gives each guild waiting a slot in turn: a guild with a big job gets no more per round than one with a single ask", () => {
		const big = asks("big", 100, LEASE.maxSlots);
		const small = Array.from({ length: 10 }, (_, i) => asks(`small-${i}`, 1, 1));
		const given = share([big, ...small], 20, () => 1000, wants);
		for (const [ask] of small) expect(given.get(ask)).toBe(1);
		expect([...given].filter(([ask]) => ask.guild === "big").reduce((n, [, slots]) => n + slots, 0)).toBe(10);
		// Fewer slots than guilds: those first in turn get one each.
		const scarce = share([big, ...small], 3, () => 1000, wants);
		expect([...scarce.keys()].map((ask) => ask.guild)).toEqual(["big", "small-0", "small-1"]);
	});

	it("adds to what an earlier split gave, each guild in turn, and never past the room of a bucket routes share", () => {
		const first = asks("a", 1, 1, "r1");
		const second = asks("b", 1, 1, "r2");
		const bucketOf = () => "one bucket";
		const given = share([first, second], 2, () => 5, wants, { bucketOf });
		share(
			[first, second],
			10,
			() => 5,
			(ask) => ask.slots + 4,
			{ given, bucketOf },
		);
		expect([given.get(first[0]), given.get(second[0])]).toEqual([3, 2]);
	});

	it("passes over asks whose route has no room", () => {
		const blocked = asks("a", 2, 4, "full");
		const open = asks("b", 1, 4, "open");
		const given = share([blocked, open], 10, (route) => (route === "full" ? 0 : 3), wants);
		expect(given.get(blocked[0])).toBeUndefined();
		expect(given.get(open[0])).toBe(3);
	});
});
