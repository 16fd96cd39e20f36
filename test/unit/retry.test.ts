import { describe, expect, it } from "vitest";
import { backoffMs, type RetryVerdict, retry } from "../../src/lib/retry";

/** Work that fails with the given errors in turn, then answers "done"; and the waits it was made to sleep. */
function failing(errors: Error[], retryable: (error: Error) => RetryVerdict = () => true) {
	const waits: number[] = [];
	const attempts: number[] = [];
	const run = (tries: number) =>
		retry(
			async (attempt) => {
				attempts.push(attempt);
				const error = errors.shift();
				if (error) throw error;
				return "done";
			},
			{
				attempts: tries,
				baseMs: 100,
				maxMs: 1000,
				retryable: (error) => retryable(error as Error),
				sleep: async (ms) => void waits.push(ms),
				random: () => 0.5,
			},
		);
	return { run, waits, attempts };
}

describe("backoffMs", () => {
	it("doubles from the base, with jitter between half and one and a half times, up to the cap", () => {
		const base = { baseMs: 250, maxMs: 5000 };
		expect([1, 2, 3].map((attempt) => backoffMs(attempt, base, () => 0.5))).toEqual([250, 500, 1000]);
		expect(backoffMs(2, base, () => 0)).toBe(250);
		expect(backoffMs(2, base, () => 1)).toBe(750);
		expect(backoffMs(10, base, () => 1)).toBe(5000);
		expect(backoffMs(40, { baseMs: 250 }, () => 0.5)).toBe(250 * 2 ** 39);
	});
});

describe("retry", () => {
	it("tries again after growing waits until the work succeeds", async () => {
		const { run, waits, attempts } = failing([new Error("a"), new Error("b")]);
		expect(await run(3)).toBe("done");
		expect(attempts).toEqual([1, 2, 3]);
		expect(waits).toEqual([100, 200]);
	});

	it("throws the last failure once the attempts are spent", async () => {
		const { run, waits } = failing([new Error("a"), new Error("b"), new Error("c")]);
		await expect(run(3)).rejects.toThrow("c");
		expect(waits).toEqual([100, 200]);
	});

	it("throws at once a failure that is not retryable", async () => {
		const { run, attempts, waits } = failing([new Error("fatal")], () => false);
		await expect(run(5)).rejects.toThrow("fatal");
		expect(attempts).toEqual([1]);
		expect(waits).toEqual([]);
	});

	it("waits as long as a failure names, instead of the backoff", async () => {
		const { run, waits } = failing([new Error("slow down")], () => ({ afterMs: 1250 }));
		expect(await run(2)).toBe("done");
		expect(waits).toEqual([1250]);
	});
});
