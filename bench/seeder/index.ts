// POST / {guildId, key, summary}: caches `summary` under `key` in that guild's Durable Object.
import type { GuildObject, SummaryMessage } from "../../src/guild/guild-object";

interface Env {
	GUILD: DurableObjectNamespace<GuildObject>;
}

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		const { guildId, key, summary } = await request.json<{ guildId: string; key: string; summary: SummaryMessage }>();
		const seed = { id: `seed:${key}`, flight: `seed:${key}`, expiresAt: Date.now() + 60_000 };
		await env.GUILD.getByName(guildId).finish(seed, { ttlSeconds: 3600, summaries: [{ key, summary }] });
		return new Response(null, { status: 204 });
	},
} satisfies ExportedHandler<Env>;
