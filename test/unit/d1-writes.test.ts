import { describe, expect, it, vi } from "vitest";
import { writeOrLogLoss } from "../../src/db/writes";

/** A sleep that only records how long it was asked to wait. */
function fakeSleep() {
	const waits: number[] = [];
	return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("a D1 write", () => {
	it("is retried with growing waits until it succeeds, and nothing is logged", async () => {
		const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const { waits, sleep } = fakeSleep();
		let attempts = 0;
		const flaky = async () => {
			if (++attempts < 3) throw new Error("D1_ERROR: database is locked");
		};
		expect(await writeOrLogLoss("g1", flaky, sleep)).toBe(true);
		expect(attempts).toBe(3);
		expect(waits).toHaveLength(2);
		expect(waits[0]).toBeGreaterThanOrEqual(100);
		expect(waits[0]).toBeLessThanOrEqual(300);
		expect(waits[1]).toBeGreaterThanOrEqual(200);
		expect(waits[1]).toBeLessThanOrEqual(600);
		expect(logged).not.toHaveBeenCalled();
		logged.mockRestore();
	});

	it("that keeps failing is given up after its retries and logged as lost, never thrown", async () => {
		const logged: unknown[] = [];
		const spy = vi.spyOn(console, "error").mockImplementation((line) => void logged.push(line));
		const { waits, sleep } = fakeSleep();
		let attempts = 0;
		const broken = async () => {
			attempts++;
			throw new Error("D1_ERROR: no such table: usage_events");
		};
		expect(await writeOrLogLoss("g2", broken, sleep)).toBe(false);
		expect(attempts).toBe(3);
		expect(waits).toHaveLength(2);
		expect(logged.map((line) => JSON.parse(String(line)))).toEqual([
			{ event: "d1.write_lost", guild: "g2", reason: "Error: D1_ERROR: no such table: usage_events" },
		]);
		spy.mockRestore();
	});

	it("logs each row of a lost batch as lost, with its guild", async () => {
		const logged: unknown[] = [];
		const spy = vi.spyOn(console, "error").mockImplementation((line) => void logged.push(line));
		const { sleep } = fakeSleep();
		const broken = async () => {
			throw new Error("D1_ERROR: database is locked");
		};
		expect(await writeOrLogLoss(["g1", "g2", "g1"], broken, sleep)).toBe(false);
		expect(logged.map((line) => (JSON.parse(String(line)) as { guild: string }).guild)).toEqual(["g1", "g2", "g1"]);
		spy.mockRestore();
	});
});
