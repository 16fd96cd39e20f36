// The guild Durable Object's side of the consumer: claiming a job once, giving it back, remembering
// it done, and keeping map results per window.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { id } from "../helpers/interactions";

const guild = () => env.GUILD.get(env.GUILD.idFromName(id()));
const job = () => ({ key: `k${id()}`, interactionId: id(), requestedAt: Date.now(), cacheTtlSeconds: 60 });

describe("job claims", () => {
	it("one delivery runs a job; another waits while it runs, and does nothing once it is done", async () => {
		const stub = guild();
		const first = job();
		expect(await stub.claim(first, 60_000)).toBe("run");
		expect(await stub.claim(first, 60_000)).toBe("running");
		await stub.finish(first, null);
		expect(await stub.claim(first, 60_000)).toBe("done");
	});

	it("a released or expired lease can be taken again", async () => {
		const stub = guild();
		const first = job();
		expect(await stub.claim(first, 60_000)).toBe("run");
		await stub.release(first);
		expect(await stub.claim(first, 0)).toBe("run");
		expect(await stub.claim(first, 60_000)).toBe("run");
	});

	it("a different job with the same key waits for the one in flight", async () => {
		const stub = guild();
		const first = job();
		await stub.claim(first, 60_000);
		expect(await stub.claim({ ...job(), key: first.key }, 60_000)).toBe("running");
	});
});

describe("partials", () => {
	it("keeps map results per window for reuse", async () => {
		const stub = guild();
		await stub.putPartials(new Map([["w1", '{"points":[]}']]));
		expect(await stub.getPartials(["w1", "w2"])).toEqual(new Map([["w1", '{"points":[]}']]));
	});
});
