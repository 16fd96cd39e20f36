// Soak (npm run test:soak, not npm test): the guild's Durable Object evicted mid-burst. Only here, in
// workerd under vitest, can a running object be evicted (`evictDurableObject`: in-memory state gone,
// storage kept); `wrangler dev` has no way to. Real Worker, Durable Object, Queue and consumer; the
// Discord emulator records what reaches each interaction. Prints one JSON line per scenario.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { InteractionResponseType } from "discord-api-types/v10";
import { expect, it, vi } from "vitest";
import type { GuildObject } from "../../src/guild/guild-object";
import { DEFAULT_LIMITS } from "../../src/guild/token-bucket";
import { id, send, summarize } from "../helpers/interactions";
import { resultsFor, seedChannel } from "../helpers/stand-in";
import { generateMessages } from "../stand-ins/discord-messages";

const guild = (guildId: string) => env.GUILD.getByName(guildId);

async function channelWithHistory(): Promise<{ channelId: string; lastMessageId: string }> {
	const channelId = id();
	const messages = generateMessages({ channelId, count: 300, seed: 5, endTime: Date.now() - 1000 });
	await seedChannel(channelId, messages);
	return { channelId, lastMessageId: messages.at(-1)!.id };
}

/** Sends the first `at` interactions at once, runs `during` once one of them is answered (the object is running), and sends the rest meanwhile. */
async function burst(interactions: ReturnType<typeof summarize>[], at: number, during: () => Promise<unknown>) {
	const sendOne = async (interaction: ReturnType<typeof summarize>) => {
		const response = await send(interaction);
		const type = response.status === 200 ? ((await response.json()) as { type: number }).type : undefined;
		return { token: interaction.token, status: response.status, type };
	};
	const first = interactions.slice(0, at).map(sendOne);
	const happened = Promise.race(first)
		.then(during)
		.then(
			() => true,
			(error: unknown) => {
				console.error(`eviction failed: ${String(error)}`);
				return false;
			},
		);
	const rest = interactions.slice(at).map(sendOne);
	return { results: await Promise.all([...first, ...rest]), evicted: await happened };
}

/** Waits for a reply to each token (final edits of the "thinking…" message), then counts them. */
async function deliveries(tokens: string[]) {
	const finals = async (token: string) => (await resultsFor(token)).filter((edit) => edit.method === "PATCH").length;
	await vi
		.waitUntil(async () => (await Promise.all(tokens.map(finals))).every((count) => count > 0), { timeout: 240_000, interval: 500 })
		.catch(() => undefined);
	const counts = await Promise.all(tokens.map(finals));
	return {
		delivered: counts.filter((count) => count > 0).length,
		lost: counts.filter((count) => count === 0).length,
		duplicated: counts.filter((count) => count > 1).length,
	};
}

function report(scenario: string, fields: Record<string, unknown>) {
	console.log(JSON.stringify({ bench: `soak:${scenario}`, date: new Date().toISOString(), ...fields }));
}

it("a burst from one guild whose object is evicted midway: exactly the limit admitted, each delivered once", async () => {
	const guildId = id();
	const { channelId, lastMessageId } = await channelWithHistory();
	const interactions = Array.from({ length: 200 }, (_, i) => summarize({ messages: 10 + i }, { guildId, channelId, lastMessageId }));

	const { results, evicted } = await burst(interactions, 100, () => evictDurableObject(guild(guildId)));
	const admitted = results
		.filter((result) => result.type === InteractionResponseType.DeferredChannelMessageWithSource)
		.map((result) => result.token);
	const fates = await deliveries(admitted);
	const http5xx = results.filter((result) => result.status >= 500).length;
	report("do-evicted-mid-burst", {
		requests: results.length,
		evicted,
		admitted: admitted.length,
		denied: results.length - admitted.length - http5xx,
		http_5xx: http5xx,
		...fates,
	});

	expect(evicted).toBe(true);
	expect(http5xx).toBe(0);
	expect(admitted).toHaveLength(DEFAULT_LIMITS.guild.capacity);
	expect(fates).toEqual({ delivered: admitted.length, lost: 0, duplicated: 0 });
});

it("an object evicted while its jobs run and members wait on them: every one delivered once", async () => {
	const guildId = id();
	const { channelId, lastMessageId } = await channelWithHistory();
	// Five members ask for the same summary (one job, four joining it), five others for their own.
	const same = Array.from({ length: 5 }, () => summarize({}, { guildId, channelId, lastMessageId }));
	const own = Array.from({ length: 5 }, (_, i) => summarize({ messages: 20 + i }, { guildId, channelId, lastMessageId }));
	const running = () =>
		runInDurableObject(
			guild(guildId),
			(_: GuildObject, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE lease_until > 0").one().n,
		);

	const { results, evicted } = await burst([...same, ...own], 10, async () => {
		await vi.waitUntil(async () => (await running()) > 0, { timeout: 30_000, interval: 20 });
		await evictDurableObject(guild(guildId));
	});
	const tokens = results
		.filter((result) => result.type === InteractionResponseType.DeferredChannelMessageWithSource)
		.map((result) => result.token);
	const fates = await deliveries(tokens);
	report("do-evicted-while-jobs-run", {
		requests: results.length,
		evicted,
		admitted: tokens.length,
		http_5xx: results.filter((result) => result.status >= 500).length,
		...fates,
	});

	expect(evicted).toBe(true);
	expect(tokens).toHaveLength(10);
	expect(fates).toEqual({ delivered: 10, lost: 0, duplicated: 0 });
});
