// Reading history through the real REST client against the Discord emulator: Discord's paging, its
// rate-limit headers and 429s.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DiscordRest } from "../../src/discord/rest";
import { fetchHistory } from "../../src/summarizer/history";
import { id } from "../helpers/interactions";
import { message, user } from "../helpers/messages";
import { injectFault, seedChannel } from "../helpers/stand-in";

const rest = () => new DiscordRest({ base: env.DISCORD_API_BASE, token: env.DISCORD_BOT_TOKEN });
const people = ["alice", "bob", "carol"].map((name) => user(name));
const messages = (count: number) => Array.from({ length: count }, (_, i) => message(people[i % 3], `message ${i}`, i / 10));
const stats = async () => (await (await fetch("http://discord.test/__emulator/stats")).json()) as { invalid: number };

describe("history from the emulator", () => {
	it("reads 2,500 messages in parallel windows within a tight rate limit, without a single 429", async () => {
		const channelId = id();
		const seeded = messages(3000);
		await seedChannel(channelId, seeded, { limit: 5, windowMs: 200 });
		const before = (await stats()).invalid;
		const client = rest();
		const read = await fetchHistory(channelId, { kind: "count", messages: 2500 }, Date.now(), { get: (path) => client.get(path) });
		expect(read.map((m) => m.id)).toEqual(seeded.slice(-2500).map((m) => m.id));
		expect((await stats()).invalid - before).toBe(0);
	});

	it("time ranges and 'from here' against Discord's paging", async () => {
		const channelId = id();
		const seeded = messages(700);
		await seedChannel(channelId, seeded);
		const client = rest();
		const get = { get: <T>(path: string) => client.get<T>(path) };
		const from = await fetchHistory(channelId, { kind: "from", messageId: seeded[250].id }, Date.now(), get);
		expect(from.map((m) => m.id)).toEqual(seeded.slice(250).map((m) => m.id));
		const since = await fetchHistory(
			channelId,
			{ kind: "since", seconds: 3600, maxMessages: 10_000 },
			Date.parse(seeded.at(-1)!.timestamp),
			get,
		);
		expect(since.length).toBe(seeded.filter((m) => Date.parse(m.timestamp) >= Date.parse(seeded.at(-1)!.timestamp) - 3_600_000).length);
	});

	it("waits out 429s and reads on", async () => {
		const channelId = id();
		const seeded = messages(150);
		await seedChannel(channelId, seeded);
		await injectFault(`/channels/${channelId}/messages`, 429, 2);
		const client = rest();
		const read = await fetchHistory(channelId, { kind: "count", messages: 150 }, Date.now(), { get: (path) => client.get(path) });
		expect(read).toHaveLength(150);
	});
});
