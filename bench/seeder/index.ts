// POST / {guildId, key, summary}: caches `summary` under `key` in that guild's Durable Object.
import type { GuildObject, SummaryMessage } from "../../src/guild/guild-object";

interface Env {
	GUILD: DurableObjectNamespace<GuildObject>;
}

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		const { guildId, key, summary } = await request.json<{ guildId: string; key: string; summary: SummaryMessage }>();
		await env.GUILD.get(env.GUILD.idFromName(guildId)).finish({ key, cacheTtlSeconds: 3600 }, summary);
		return new Response(null, { status: 204 });
	},
} satisfies ExportedHandler<Env>;
