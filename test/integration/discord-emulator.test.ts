// The Discord emulator itself: generated history, Discord's paging and auth, command registration.
import { env } from "cloudflare:workers";
import type { APIMessage } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { registerCommands } from "../../scripts/register-commands";
import { COMMANDS } from "../../src/interactions/commands";
import { id } from "../helpers/interactions";
import { BotLimits } from "../stand-ins/discord-limits";

const base = "http://discord.test/api/v10";
const auth = { authorization: `Bot ${env.DISCORD_BOT_TOKEN}` };

async function generated(count: number, seed = 1) {
	const channelId = id();
	const response = await fetch("http://discord.test/__emulator/channels", {
		method: "POST",
		body: JSON.stringify({ id: channelId, generate: { count, seed, endTime: Date.UTC(2026, 10, 22) } }),
	});
	return { channelId, ...((await response.json()) as { messages: number; firstMessageId: string; lastMessageId: string }) };
}

async function page(channelId: string, query: string): Promise<APIMessage[]> {
	return (await fetch(`${base}/channels/${channelId}/messages?${query}`, { headers: auth })).json();
}

describe("Discord emulator", () => {
	it("generates the same realistic history from the same seed", async () => {
		const [a, b] = [await generated(500, 3), await generated(500, 3)];
		const [pageA, pageB] = [await page(a.channelId, "limit=100"), await page(b.channelId, "limit=100")];
		expect(pageA.map((m) => m.content)).toEqual(pageB.map((m) => m.content));
		const all = [...(await page(a.channelId, "limit=100")), ...(await page(a.channelId, `limit=100&before=${pageA.at(-1)!.id}`))];
		expect(all.some((m) => m.author.bot)).toBe(true);
		expect(all.some((m) => /<@\d+>/.test(m.content) && m.mentions.length)).toBe(true);
		expect(all.some((m) => /<:\w+:\d+>/.test(m.content))).toBe(true);
	});

	it("pages newest first with before, after and around, and checks limit and auth", async () => {
		const { channelId, firstMessageId } = await generated(300);
		const newest = await page(channelId, "limit=100");
		expect(newest).toHaveLength(100);
		expect(BigInt(newest[0].id) > BigInt(newest[99].id)).toBe(true);
		const after = await page(channelId, `limit=10&after=${firstMessageId}`);
		expect(after).toHaveLength(10);
		expect(BigInt(after[9].id) > BigInt(firstMessageId)).toBe(true);
		expect(await page(channelId, `limit=5&around=${newest[50].id}`)).toHaveLength(5);
		expect((await fetch(`${base}/channels/${channelId}/messages?limit=101`, { headers: auth })).status).toBe(400);
		expect((await fetch(`${base}/channels/${channelId}/messages`)).status).toBe(401);
		const limited = await fetch(`${base}/channels/${channelId}/messages?limit=1`, { headers: auth });
		expect(limited.headers.get("x-ratelimit-bucket")).toBeTruthy();
	});

	it("takes command registrations as Discord does", async () => {
		const names = await registerCommands({
			apiBase: base,
			applicationId: env.DISCORD_APPLICATION_ID,
			botToken: env.DISCORD_BOT_TOKEN,
			guildId: id(),
		});
		expect(names).toEqual(COMMANDS.map((c) => c.name));
		await expect(registerCommands({ apiBase: base, applicationId: env.DISCORD_APPLICATION_ID, botToken: "wrong" })).rejects.toThrow(
			/HTTP 401/,
		);
	});
});

// On an instance of their own: the emulator the tests share keeps them off, as other files' requests go through it.
describe("the emulator's bot-wide limits", () => {
	it("lets 50 requests with the bot's token through in any sliding second, then answers a global 429", () => {
		const limits = new BotLimits();
		limits.reset({ global: { limit: 50, windowMs: 1000 } });
		for (let i = 0; i < 50; i++) expect(limits.admit(true, i * 10)).toBeUndefined();
		const refused = limits.admit(true, 600);
		expect(refused?.status).toBe(429);
		expect(refused?.headers.get("x-ratelimit-scope")).toBe("global");
		// An interaction's webhook is not the bot's; the request at 0 has left the window by 1001.
		expect(limits.admit(false, 600)).toBeUndefined();
		expect(limits.admit(true, 1001)).toBeUndefined();
		expect(limits.stats()).toMatchObject({ sent: 51, peakPerWindow: 50, globalLimited: 1, invalid: 1 });
	});

	it("bans the bot from the whole API after too many invalid requests, for as long as the ban lasts", () => {
		const limits = new BotLimits();
		limits.reset({ ban: { invalid: 3, windowMs: 600_000, banMs: 3_600_000 } });
		limits.invalid(0);
		limits.invalid(1);
		limits.routeLimited(2);
		expect(limits.admit(false, 3)?.status).toBe(429);
		expect(limits.admit(true, 3_600_002)).toBeUndefined();
		expect(limits.stats()).toMatchObject({ bannedAt: 2, banned: 1, invalid: 3, routeLimited: 1 });
	});
});
