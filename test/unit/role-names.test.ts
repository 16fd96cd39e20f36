import { describe, expect, it, vi } from "vitest";
import { roleNames } from "../../src/summarizer/role-names";
import { message, user } from "../helpers/messages";

const alice = user("alice");
const mentioning = [message(alice, "<@&7001> please review", 0)];
const roles = [{ id: "7001", name: "leads" }];

describe("role names", () => {
	it("asks Discord only when a role is mentioned, and once a minute per guild", async () => {
		const get = vi.fn(async () => roles) as unknown as <T>(path: string) => Promise<T>;
		expect(await roleNames("g1", [message(alice, "no roles here", 0)], get, 0)).toBeUndefined();
		expect(get).not.toHaveBeenCalled();
		expect((await roleNames("g1", mentioning, get, 0))?.get("7001")).toBe("leads");
		expect((await roleNames("g1", mentioning, get, 30_000))?.get("7001")).toBe("leads");
		expect(get).toHaveBeenCalledTimes(1);
		expect(get).toHaveBeenCalledWith("/guilds/g1/roles");
		await roleNames("g1", mentioning, get, 61_000);
		await roleNames("g2", mentioning, get, 61_000);
		expect(get).toHaveBeenCalledTimes(3);
	});

	it("goes on without names when Discord refuses, and remembers no failure", async () => {
		const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const refusing = vi.fn(async () => {
			throw new Error("GET /guilds/g3/roles: 403 Missing Access");
		}) as unknown as <T>(path: string) => Promise<T>;
		expect(await roleNames("g3", mentioning, refusing, 0)).toBeUndefined();
		expect(await roleNames("g3", mentioning, refusing, 1)).toBeUndefined();
		expect(refusing).toHaveBeenCalledTimes(2);
		expect(logged).toHaveBeenCalledWith(expect.stringContaining('"roles.unavailable"'));
		logged.mockRestore();
	});
});
