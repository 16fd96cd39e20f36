// What a cold isolate pays before its first interaction: evaluating the Worker's startup modules (README,
// "Performance and reliability"). Locale data is the costly part: the first use of a locale loads ICU's data,
// about 30 ms of CPU, so nothing evaluated at startup may format with a locale.
import { afterEach, expect, it, vi } from "vitest";
import loaded from "../../src/index";

const LOCALE_USERS: [object, string][] = [
	[Number.prototype, "toLocaleString"],
	[BigInt.prototype, "toLocaleString"],
	[Date.prototype, "toLocaleString"],
	[Date.prototype, "toLocaleDateString"],
	[Date.prototype, "toLocaleTimeString"],
	[String.prototype, "localeCompare"],
	[String.prototype, "toLocaleUpperCase"],
	[String.prototype, "toLocaleLowerCase"],
	[Array.prototype, "toLocaleString"],
	...Object.getOwnPropertyNames(Intl).map((name): [object, string] => [Intl, name]),
];

afterEach(() => vi.restoreAllMocks());

it("the Worker's startup modules use no locale when evaluated", async () => {
	const used: string[] = [];
	for (const [owner, name] of LOCALE_USERS) {
		const original = (owner as Record<string, unknown>)[name];
		if (typeof original !== "function") continue;
		vi.spyOn(owner as Record<string, (...args: unknown[]) => unknown>, name).mockImplementation(function (
			this: unknown,
			...args: unknown[]
		) {
			used.push(name);
			return new.target ? Reflect.construct(original as never, args, new.target) : Reflect.apply(original, this, args);
		});
	}
	// The spies see a use of a locale…
	(1234).toLocaleString("en-US");
	expect(used).toEqual(["toLocaleString"]);
	used.length = 0;
	// …and the Worker's modules are evaluated anew under them.
	vi.resetModules();
	const worker = await import("../../src/index");
	expect(worker.default).not.toBe(loaded);
	expect(worker.default.fetch).toBeTypeOf("function");
	expect(used).toEqual([]);
});
