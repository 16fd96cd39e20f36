import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/lib/hex";

describe("hex", () => {
	it("writes two lowercase digits a byte, leading zeros kept", () => {
		expect(toHex(new Uint8Array([0, 1, 15, 16, 171, 255]))).toBe("00010f10abff");
		expect(toHex(new Uint8Array([222, 173]).buffer)).toBe("dead");
		expect(toHex(new Uint8Array())).toBe("");
	});

	it("reads back what it wrote", () => {
		const bytes = crypto.getRandomValues(new Uint8Array(32));
		expect(fromHex(toHex(bytes))).toEqual(bytes);
		expect(fromHex("DEAD")).toEqual(new Uint8Array([222, 173]));
	});
});
