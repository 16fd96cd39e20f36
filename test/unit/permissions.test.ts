import { PermissionFlagsBits as P } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { missingToRead } from "../../src/discord/permissions";

describe("missingToRead", () => {
	it("passes with View Channel and Read Message History", () => {
		expect(missingToRead((P.ViewChannel | P.ReadMessageHistory).toString())).toEqual([]);
	});
	it("names each missing permission", () => {
		expect(missingToRead(P.ViewChannel.toString())).toEqual(["Read Message History"]);
		expect(missingToRead(P.ReadMessageHistory.toString())).toEqual(["View Channel"]);
		expect(missingToRead((P.SendMessages | P.ManageGuild).toString())).toEqual(["View Channel", "Read Message History"]);
	});
	it("lets Administrator pass whatever else is missing", () => {
		expect(missingToRead(P.Administrator.toString())).toEqual([]);
	});
	it("treats an absent or malformed bitfield as no permission", () => {
		expect(missingToRead(undefined)).toHaveLength(2);
		expect(missingToRead("not-a-number")).toHaveLength(2);
	});
	it("reads bits above 2^53 exactly", () => {
		const high = (1n << 60n) | P.ViewChannel | P.ReadMessageHistory;
		expect(missingToRead(high.toString())).toEqual([]);
	});
});
