// The guild Durable Object's side of the consumer: claiming a job once, giving it back, remembering
// it done, and keeping the LLM's spans of messages.

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Flights, type Joiner } from "../../src/guild/flights";
import type { GuildObject } from "../../src/guild/guild-object";
import { migrate, SCHEMA_VERSION } from "../../src/guild/storage";
import { id } from "../helpers/interactions";

const guild = () => env.GUILD.getByName(id());
const job = () => ({ id: id(), flight: `k${id()}`, expiresAt: Date.now() + 60_000 });

describe("job claims", () => {
	it("one delivery runs a job; another waits while it runs, and does nothing once it is done", async () => {
		const stub = guild();
		const first = job();
		expect(await stub.claim(first, 60_000)).toEqual({ state: "run", until: first.expiresAt, generation: 0 });
		expect(await stub.claim(first, 60_000)).toEqual({ state: "running" });
		await stub.finish(first, null);
		expect(await stub.claim(first, 60_000)).toEqual({ state: "done" });
	});

	it("a released or expired lease can be taken again", async () => {
		const stub = guild();
		const first = job();
		expect((await stub.claim(first, 60_000)).state).toBe("run");
		await stub.release(first);
		expect((await stub.claim(first, 0)).state).toBe("run");
		expect((await stub.claim(first, 60_000)).state).toBe("run");
	});

	it("a different job with the same key waits for the one in flight", async () => {
		const stub = guild();
		const first = job();
		await stub.claim(first, 60_000);
		expect(await stub.claim({ ...job(), flight: first.flight }, 60_000)).toEqual({ state: "running" });
	});

	it("a run kept alive by a joiner past its own token's life keeps its lease, even across the object's alarm", async () => {
		const stub = guild();
		const run = { ...job(), expiresAt: Date.now() - 1 };
		await runInDurableObject(stub, (_: GuildObject, state) =>
			state.storage.sql.exec(
				"INSERT INTO joiners (interaction_id, key, run_id, application_id, token, public, expires_at) VALUES (?, ?, ?, '1', 't', 0, ?)",
				id(),
				run.flight,
				run.id,
				Date.now() + 60_000,
			),
		);
		expect((await stub.claim(run, 60_000)).state).toBe("run");
		await runInDurableObject(stub, (object: GuildObject) => object.alarm());
		expect(await stub.claim(run, 60_000)).toEqual({ state: "running" });
	});

	it("a run past its time, with nobody left to answer, is expired", async () => {
		expect(await guild().claim({ ...job(), expiresAt: Date.now() - 1 }, 60_000)).toEqual({ state: "expired" });
	});

	it("an expired leftover run ends only itself: a newer run of the same key keeps its joiners", async () => {
		const stub = guild();
		const flight = `k${id()}`;
		const old = { id: id(), flight, expiresAt: Date.now() - 1 };
		const oldJoiner = { interaction_id: id(), expires_at: Date.now() + 60_000 };
		// The old run expired with a member still waiting; a newer request of the same summary started another.
		await runInDurableObject(stub, (_: GuildObject, state) => {
			state.storage.sql.exec("INSERT INTO jobs (key, interaction_id, expires_at) VALUES (?, ?, ?)", flight, old.id, old.expiresAt);
			state.storage.sql.exec(
				"INSERT INTO joiners (interaction_id, key, run_id, application_id, token, public, expires_at) VALUES (?, ?, ?, '1', 't', 0, ?)",
				oldJoiner.interaction_id,
				flight,
				old.id,
				oldJoiner.expires_at,
			);
		});
		const newer = { id: id(), flight, expiresAt: Date.now() + 60_000 };
		expect((await stub.claim(newer, 60_000)).state).toBe("run");
		const newerJoiner = { interaction_id: id() };
		await runInDurableObject(stub, (_: GuildObject, state) =>
			state.storage.sql.exec(
				"INSERT INTO joiners (interaction_id, key, run_id, application_id, token, public, expires_at) VALUES (?, ?, ?, '1', 't', 1, ?)",
				newerJoiner.interaction_id,
				flight,
				newer.id,
				newer.expiresAt,
			),
		);
		expect((await stub.finish(old)).map((joiner) => joiner.interactionId)).toEqual([oldJoiner.interaction_id]);
		expect(await stub.claim(newer, 60_000)).toEqual({ state: "running" });
		expect(await stub.finish(newer)).toEqual([
			{
				interactionId: newerJoiner.interaction_id,
				applicationId: "1",
				token: "t",
				public: true,
				publicRefused: false,
				origin: "",
				expiresAt: newer.expiresAt,
			},
		]);
	});
});

describe("spans", () => {
	const span = (firstId: string, lastId: string) => ({
		firstId,
		lastId,
		points: [{ text: `${firstId}-${lastId}`, sources: [firstId] }],
		actionItems: [],
	});

	it("finds the kept spans that overlap a range of messages, in the order of the ids' numbers", async () => {
		const stub = guild();
		// Ids of different lengths: compared as numbers, 999 comes before 1000.
		await stub.putSpans("c:en:m", [span("990", "999"), span("1000", "1100"), span("1101", "1200")]);
		await stub.putSpans("c:de:m", [span("1000", "1100")]);
		expect((await stub.spans("c:en:m", "995", "1050")).map((s) => s.firstId)).toEqual(["990", "1000"]);
		expect((await stub.spans("c:en:m", "1150", "5000")).map((s) => s.firstId)).toEqual(["1101"]);
		expect(await stub.spans("c:en:m", "1201", "5000")).toEqual([]);
		expect(await stub.spans("c:de:m", "0", "5000")).toEqual([span("1000", "1100")]);
	});

	it("an opt-out voids what a job that read the channel before it would keep: its spans and its summary", async () => {
		const stub = guild();
		const run = job();
		const claim = await stub.claim(run, 60_000);
		if (claim.state !== "run") throw new Error(`claimed ${claim.state}`);
		await stub.clearCache();
		await stub.putSpans("c:en:m", [span("1", "2")], claim.generation);
		expect(await stub.spans("c:en:m", "0", "9")).toEqual([]);
		await stub.finish(
			run,
			{ ttlSeconds: 60, summaries: [{ key: "k", summary: { content: "read before the opt-out" } }] },
			claim.generation,
		);
		const asked = await runInDurableObject(
			stub,
			(_: GuildObject, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM summaries").one().n,
		);
		expect(asked).toBe(0);
		// A job that starts after it keeps what it makes.
		const later = await stub.claim(job(), 60_000);
		if (later.state !== "run") throw new Error(`claimed ${later.state}`);
		await stub.putSpans("c:en:m", [span("1", "2")], later.generation);
		expect(await stub.spans("c:en:m", "0", "9")).toHaveLength(1);
	});

	it("are forgotten with the cache, as after an opt-out", async () => {
		const stub = guild();
		await stub.putSpans("c:en:m", [span("1", "2")]);
		await stub.clearCache();
		expect(await stub.spans("c:en:m", "0", "9")).toEqual([]);
	});
});

describe("flights", () => {
	it("land a run by reading its own rows, not every flight's", async () => {
		await runInDurableObject(guild(), (_: GuildObject, state) => {
			const { sql } = state.storage;
			const joiner = (): Joiner => ({
				interactionId: id(),
				applicationId: "1",
				token: "t",
				public: false,
				publicRefused: false,
				origin: "c",
				expiresAt: Date.now() + 60_000,
			});
			const flights = new Flights(sql);
			for (let i = 0; i < 200; i++) {
				const other = job();
				flights.start(other);
				flights.join(other.flight, other.id, joiner());
			}
			const run = job();
			flights.start(run);
			const joined = [joiner(), joiner()];
			// A catch-up's joiner may come by another key than the run's own.
			flights.join(run.flight, run.id, joined[0]);
			flights.join(`other-${run.flight}`, run.id, joined[1]);

			const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
			const counted = new Proxy(sql, {
				get: (target, name) =>
					name === "exec"
						? (...args: Parameters<SqlStorage["exec"]>) => {
								const cursor = target.exec(...args);
								cursors.push(cursor);
								return cursor;
							}
						: Reflect.get(target, name),
			});
			const landing = new Flights(counted);
			expect(landing.deadline(run)).toBe(Math.max(...joined.map((j) => j.expiresAt)));
			expect(
				landing
					.land(run)
					.map((j) => j.interactionId)
					.sort(),
			).toEqual(joined.map((j) => j.interactionId).sort());
			expect(cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0)).toBeLessThan(20);
			expect(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM joiners").one().n).toBe(200);
			expect(sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM jobs").one().n).toBe(200);
		});
	});
});

describe("storage schema", () => {
	it("is migrated once, when the object first starts, and remembers its version", async () => {
		const stub = guild();
		await stub.settings();
		const found = await runInDurableObject(stub, (_: GuildObject, state) => ({
			version: state.storage.sql.exec<{ version: number }>("SELECT version FROM schema_version").one().version,
			again: migrate(state.storage),
		}));
		expect(found).toEqual({ version: SCHEMA_VERSION, again: SCHEMA_VERSION });
	});

	it("takes over an object made before the schema had a version, keeping what it holds", async () => {
		const stub = guild();
		await stub.putSpans("c:en:m", [{ firstId: "1", lastId: "2", points: [], actionItems: [] }]);
		// Such an object's tables, as the schema made them then: joiners without their run.
		await runInDurableObject(stub, (_: GuildObject, state) => {
			const { sql } = state.storage;
			sql.exec("DROP TABLE schema_version");
			sql.exec("DROP TABLE generation");
			sql.exec("DROP TABLE joiners");
			sql.exec(
				"CREATE TABLE joiners (interaction_id TEXT PRIMARY KEY, key TEXT NOT NULL, application_id TEXT NOT NULL, token TEXT NOT NULL)",
			);
			sql.exec("INSERT INTO jobs (key, interaction_id, expires_at) VALUES ('k', 'leader', 123)");
			sql.exec("INSERT INTO joiners (interaction_id, key, application_id, token) VALUES ('joiner', 'k', '1', 't')");
		});
		const kept = await runInDurableObject(stub, (_: GuildObject, state) => {
			const found = migrate(state.storage);
			const { sql } = state.storage;
			return {
				found,
				spans: sql.exec("SELECT COUNT(*) AS n FROM spans").one().n,
				joiner: sql.exec("SELECT run_id, public, expires_at FROM joiners").one(),
			};
		});
		expect(kept).toEqual({ found: 0, spans: 1, joiner: { run_id: "leader", public: 0, expires_at: 123 } });
	});
});
