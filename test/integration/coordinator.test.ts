// The Discord coordinator in the runtime: the real Durable Object (one per test, by name), REST clients that
// stand for consumer isolates, and the Discord emulator. Leases, a 429 shared by every isolate, fairness
// between guilds, and eviction mid-lease.
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Ask, GLOBAL, LEASE, type Outcome } from "../../src/discord/budget";
import { type Answer, type Coordinator, coordinatorOf } from "../../src/discord/coordinator";
import { DiscordRest } from "../../src/discord/rest";
import { fetchHistory } from "../../src/summarizer/history";
import { id } from "../helpers/interactions";
import { message, user } from "../helpers/messages";
import { seedChannel } from "../helpers/stand-in";

const people = ["alice", "bob", "carol"].map((name) => user(name));
const messages = (count: number) => Array.from({ length: count }, (_, i) => message(people[i % 3], `message ${i}`, i / 10));
const route = (channelId: string) => `GET /channels/${channelId}/messages`;

/** A coordinator of its own for one test, and REST clients that stand for consumer isolates using it. */
function coordinator() {
	const name = id();
	const stub = env.DISCORD_COORDINATOR.getByName(name);
	const isolate = (options: { maxWaitMs?: number } = {}) =>
		new DiscordRest({ base: env.DISCORD_API_BASE, token: env.DISCORD_BOT_TOKEN, coordinator: coordinatorOf(env, name), ...options });
	const ask = (guild: string, on: string, slots: number, done: Outcome[] = [], maxWaitMs = 60_000): Promise<Answer> =>
		stub.acquire({ guild, route: on, slots, maxWaitMs } satisfies Ask, done);
	/** Tells the coordinator a route's bucket is roomy, as an answer's headers would: only the global limit binds. */
	const roomy = (on: string) =>
		stub.report([{ lease: "seen", route: on, status: 200, bucket: { id: on, limit: 1000, remaining: 1000, resetAfterMs: 60_000 } }]);
	return { name, stub, isolate, ask, roomy };
}

function granted(answer: Answer): { lease: string; slots: number } {
	if (!("grant" in answer)) throw new Error(`not granted: ${JSON.stringify(answer)}`);
	return answer.grant;
}

const unused = (lease: string, on: string, slots: number): Outcome[] =>
	Array.from({ length: slots }, () => ({ lease, route: on, status: null }));

/** Whether `promise` is still pending after a moment (a slow machine only makes it more so). */
async function pending(promise: Promise<unknown>): Promise<boolean> {
	return Promise.race([promise.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 200))]);
}

async function stats(): Promise<{ pages: Record<string, number>; invalid: number }> {
	return (await fetch("http://discord.test/__emulator/stats")).json();
}

describe("Discord coordinator", () => {
	it("leases several slots at once, within the global limit, and lends slots given back at once", async () => {
		const { ask, roomy, stub } = coordinator();
		const on = route(id());
		await roomy(on);
		const leases = [];
		for (let i = 0; i < 6; i++) leases.push(granted(await ask("g", on, LEASE.maxSlots)));
		expect(leases.map((lease) => lease.slots)).toEqual([8, 8, 8, 8, 8, 8]);
		// 1 reported + 48 leased: one slot left in the second, then nothing until some come back.
		expect(granted(await ask("g", on, LEASE.maxSlots)).slots).toBe(1);
		const waiting = ask("g", on, 4);
		expect(await pending(waiting)).toBe(true);
		await stub.report(unused(leases[0].lease, on, 8));
		expect(granted(await waiting).slots).toBe(4);
	});

	it("reads a channel's history through leases without one 429, within a tight bucket", async () => {
		const { isolate } = coordinator();
		const channelId = id();
		const seeded = messages(3000);
		await seedChannel(channelId, seeded, { limit: 5, windowMs: 200 });
		const before = (await stats()).invalid;
		const client = isolate();
		const read = await fetchHistory(channelId, { kind: "count", messages: 2500 }, Date.now(), {
			get: (path) => client.get(path, { guild: "g" }),
		});
		expect(read.map((m) => m.id)).toEqual(seeded.slice(-2500).map((m) => m.id));
		expect((await stats()).invalid - before).toBe(0);
	});

	it("holds every isolate after a 429 one of them saw: its route, or every route when global", async () => {
		const { isolate, ask, stub, name } = coordinator();
		const channelId = id();
		await seedChannel(channelId, messages(50));
		// The first isolate's reports pass through here on their way, so the test knows when the 429's has arrived.
		let reported429: () => void = () => undefined;
		const arrived = new Promise<void>((resolve) => {
			reported429 = resolve;
		});
		const real = coordinatorOf(env, name);
		const watched: Coordinator = {
			acquire: real.acquire,
			report: async (done) => {
				const answer = await real.report(done);
				if (done.some((outcome) => outcome.status === 429)) reported429();
				return answer;
			},
		};
		const first = new DiscordRest({ base: env.DISCORD_API_BASE, token: env.DISCORD_BOT_TOKEN, coordinator: watched });
		const second = isolate({ maxWaitMs: 500 });
		await first.get(`/channels/${channelId}/messages?limit=10`, { guild: "a" });
		await fetch("http://discord.test/__emulator/faults", {
			method: "POST",
			body: JSON.stringify({ path: `/channels/${channelId}/messages`, status: 429, times: 1, retryAfter: 2 }),
		});
		// The first isolate meets the 429 and waits it out; the coordinator hears of it at once.
		const waitedOut = first.get(`/channels/${channelId}/messages?limit=10`, { guild: "a" });
		await arrived;
		const pagesBefore = (await stats()).pages[channelId];
		await expect(second.get(`/channels/${channelId}/messages?limit=10`, { guild: "b" })).rejects.toMatchObject({
			status: 429,
			message: expect.stringMatching(/^rate limited on GET \/channels\/\d+\/messages for 2 s$/),
		});
		expect((await stats()).pages[channelId]).toBe(pagesBefore);
		expect(await waitedOut).toHaveLength(10);

		await stub.report([{ lease: "elsewhere", route: "GET /guilds/1/roles", status: 429, retryAfterMs: 5000, global: true }]);
		expect(await ask("c", route(id()), 1, [], 1000)).toMatchObject({ refused: "wait" });
	});

	it("shares freed slots between guilds in turn: a guild with a big job asked first, yet every small one is served at once", async () => {
		const { ask, roomy, stub } = coordinator();
		const big = route(id());
		const smalls = Array.from({ length: 10 }, () => route(id()));
		for (const on of [big, ...smalls]) await roomy(on);
		// 11 slots reported sent; 39 leased to the big guild: the budget is spent.
		const held = [];
		for (const slots of [8, 8, 8, 8, 7]) held.push(granted(await ask("big", big, slots)));
		const order: string[] = [];
		const track = (guild: string, answer: Promise<Answer>) => answer.then((a) => order.push(`${guild}:${granted(a).slots}`));
		const bigAsks = Array.from({ length: 10 }, () => track("big", ask("big", big, LEASE.maxSlots)));
		const smallAsks = smalls.map((on, i) => track(`small-${i}`, ask(`small-${i}`, on, 1)));
		expect(await pending(Promise.race([...bigAsks, ...smallAsks]))).toBe(true);
		// Two leases come back: 16 slots for 11 guilds' worth of asks.
		await stub.report([...unused(held[0].lease, big, 8), ...unused(held[1].lease, big, 8)]);
		await Promise.all(smallAsks);
		const firstRound = order.slice(0, 11);
		expect(firstRound.filter((grant) => grant.startsWith("small-"))).toHaveLength(10);
		expect(firstRound.filter((grant) => grant.startsWith("big:")).map((grant) => Number(grant.split(":")[1]))).toEqual([6]);
	});

	it("evicted or reset mid-lease: a later instance waits for the lease to time out, and no request is lost or sent twice", async () => {
		const { stub, ask, roomy, isolate } = coordinator();
		const on = route(id());
		await roomy(on);
		granted(await ask("g", on, 8));
		const leasedUntil = await runInDurableObject(
			stub,
			(_, state) => state.storage.sql.exec<{ leased_until: number }>("SELECT leased_until FROM holds").one().leased_until,
		);
		await evictDurableObject(stub);
		// The new instance can't know how many of the lease's slots are still to be sent: it grants nothing until the lease is over.
		granted(await ask("g", on, 1));
		expect(Date.now()).toBeGreaterThanOrEqual(leasedUntil + GLOBAL.windowMs);

		// Pages read in parallel while the coordinator is reset (as a deploy or a crash would): asks waiting in it
		// fail and are asked again, and each page is read once.
		const channelId = id();
		const seeded = messages(2000);
		await seedChannel(channelId, seeded);
		const client = isolate();
		const ids = Array.from({ length: 20 }, (_, i) => seeded[100 * i + 99].id);
		const reads = ids.map((before) => client.get<unknown[]>(`/channels/${channelId}/messages?limit=100&before=${before}`, { guild: "g" }));
		await Promise.race(reads);
		await abortAllDurableObjects();
		expect((await Promise.all(reads)).map((page) => page.length)).toEqual([99, ...Array(19).fill(100)]);
		expect((await stats()).pages[channelId]).toBe(20);
	});
});
