import { describe, expect, it, vi } from "vitest";
import { writeOrLogLoss } from "../../src/db/writes";

describe("a D1 write", () => {
	it("is retried until it succeeds, and nothing is logged", async () => {
		const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
		let attempts = 0;
		const flaky = async () => {
			if (++attempts < 3) throw new Error("D1_ERROR: database is locked");
		};
		expect(await writeOrLogLoss("g1", flaky)).toBe(true);
		expect(attempts).toBe(3);
		expect(logged).not.toHaveBeenCalled();
		logged.mockRestore();
	});

	it("that keeps failing is given up after its retries and logged as lost, never thrown", async () => {
		const logged: unknown[] = [];
		const spy = vi.spyOn(console, "error").mockImplementation((line) => void logged.push(line));
		let attempts = 0;
		const broken = async () => {
			attempts++;
			throw new Error("D1_ERROR: no such table: usage_events");
		};
		expect(await writeOrLogLoss("g2", broken)).toBe(false);
		expect(attempts).toBe(3);
		expect(logged.map((line) => JSON.parse(String(line)))).toEqual([{ event: "d1.write_lost", guild: "g2", reason: "Error: D1_ERROR: no such table: usage_events" }]);
		spy.mockRestore();
	});
});
