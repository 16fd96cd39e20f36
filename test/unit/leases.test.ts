// An isolate's leases of Discord request slots (discord/leases.ts), against a coordinator that never has one.
import { describe, expect, it } from "vitest";
import type { Answer, Coordinator } from "../../src/discord/coordinator";
import { Leases, RefusedError } from "../../src/discord/leases";

describe("Leases", () => {
	it("waits no longer than a request may in all, however often the coordinator says to ask again", async () => {
		let clock = 0;
		const asks: number[] = [];
		const busy: Coordinator = {
			// Each ask is held 20 s by the coordinator, then answered "again", as under a long contention.
			acquire: async (ask): Promise<Answer> => {
				asks.push(ask.maxWaitMs);
				clock += 20_000;
				return { again: true };
			},
			report: async () => undefined,
		};
		const leases = new Leases(busy, () => clock);
		const refused = await leases.take("GET /channels/1/messages", "g", 60_000).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(RefusedError);
		expect((refused as RefusedError).refusal).toEqual({ refused: "wait", waitMs: 80_000 });
		// Each ask may wait only what is left of the request's time.
		expect(asks).toEqual([60_000, 40_000, 20_000, 0]);
	});

	it("gives back at a batch's end the slots of its leases that no request took, and tells the coordinator", async () => {
		const reported: { status: number | null }[] = [];
		const coordinator: Coordinator = {
			acquire: async (): Promise<Answer> => ({ grant: { lease: "L1", slots: 5, validMs: 1000 } }),
			report: async (done) => void reported.push(...done),
		};
		const leases = new Leases(coordinator, () => 0);
		const slot = await leases.take("GET /channels/1/messages", "g", 60_000);
		leases.settle(slot, { status: 200 });
		await leases.flush();
		expect(reported.map((outcome) => outcome.status).sort()).toEqual([200, null, null, null, null]);
	});
});
