import { describe, expect, it } from "vitest";
import { RegisterError, registerCommands } from "../../scripts/register-commands";
import { COMMANDS } from "../../src/interactions/commands";

function discord(responses: Response[]) {
	const requests: Request[] = [];
	return {
		requests,
		fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
			requests.push(new Request(input, init));
			return responses.shift()!;
		},
	};
}

const base = { apiBase: "http://discord.test/api/v10/", applicationId: "123", botToken: "secret" };
const registered = () => Response.json(COMMANDS.map((command, i) => ({ ...command, id: String(i) })));

describe("npm run register", () => {
	it("bulk-overwrites every command with a PUT through DISCORD_API_BASE", async () => {
		const stand = discord([registered()]);
		expect(await registerCommands({ ...base, fetch: stand.fetch })).toEqual(COMMANDS.map((c) => c.name));
		const [request] = stand.requests;
		expect(request.method).toBe("PUT");
		expect(request.url).toBe("http://discord.test/api/v10/applications/123/commands");
		expect(request.headers.get("authorization")).toBe("Bot secret");
		expect(request.headers.get("user-agent")).toMatch(/^DiscordBot \(/);
		expect(await request.json()).toEqual(JSON.parse(JSON.stringify(COMMANDS)));
		expect(COMMANDS.map((c) => c.name)).toContain("catchup");
	});

	it("registers in one guild when asked", async () => {
		const stand = discord([registered()]);
		await registerCommands({ ...base, guildId: "77", fetch: stand.fetch });
		expect(stand.requests[0].url).toBe("http://discord.test/api/v10/applications/123/guilds/77/commands");
	});

	it("waits out a 429 for its retry_after, then succeeds", async () => {
		const waits: number[] = [];
		const stand = discord([
			Response.json({ message: "You are being rate limited.", retry_after: 1.5, global: false }, { status: 429 }),
			registered(),
		]);
		await registerCommands({ ...base, fetch: stand.fetch, sleep: async (ms) => void waits.push(ms) });
		expect(waits).toEqual([1500]);
		expect(stand.requests).toHaveLength(2);
	});

	it("says clearly what failed", async () => {
		const invalid = discord([
			Response.json({ message: "Invalid Form Body", code: 50035, errors: { 0: { name: "bad" } } }, { status: 400 }),
		]);
		await expect(registerCommands({ ...base, fetch: invalid.fetch })).rejects.toThrow(/HTTP 400 Invalid Form Body \(code 50035\)/);
		const unauthorized = discord([Response.json({ message: "401: Unauthorized", code: 0 }, { status: 401 })]);
		await expect(registerCommands({ ...base, fetch: unauthorized.fetch })).rejects.toThrow(/Check DISCORD_BOT_TOKEN/);
		const limited = discord(Array.from({ length: 4 }, () => Response.json({ retry_after: 0 }, { status: 429 })));
		await expect(registerCommands({ ...base, fetch: limited.fetch, sleep: async () => {} })).rejects.toThrow(/HTTP 429/);
		const down = { fetch: async () => Promise.reject(new TypeError("connection refused")) };
		await expect(registerCommands({ ...base, fetch: down.fetch })).rejects.toThrow(/Could not reach .*connection refused/);
		await expect(registerCommands({ ...base, applicationId: "", fetch: down.fetch })).rejects.toThrow(RegisterError);
		await expect(registerCommands({ ...base, botToken: "", fetch: down.fetch })).rejects.toThrow(/DISCORD_BOT_TOKEN is missing/);
	});
});
