import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { thousands } from "../../src/lib/numbers";

describe("thousands", () => {
	test.prop([fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 })])("writes an integer as toLocaleString('en-US') does", (value) => {
		expect(thousands(value)).toBe(value.toLocaleString("en-US"));
	});

	it("groups the whole part only", () => {
		expect(thousands(0)).toBe("0");
		expect(thousands(999)).toBe("999");
		expect(thousands(1000)).toBe("1,000");
		expect(thousands(-1234567)).toBe("-1,234,567");
		expect(thousands(12345.678)).toBe("12,345.678");
	});
});
