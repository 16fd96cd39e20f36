// The Worker's outbound service in tests: each stand-in answers for its own host, and any other
// host is refused, so no test can reach the network by accident.
import { type Request as MiniflareRequest, Response as MiniflareResponse } from "miniflare";
import { createDiscordEmulator } from "./discord-emulator.ts";
import { createOpenAIFake } from "./openai-fake.ts";

export const DISCORD_TEST_BASE = "http://discord.test/api/v10";
export const OPENAI_TEST_BASE = "http://openai.test/v1";

export function outboundService(): (request: MiniflareRequest) => Promise<MiniflareResponse> {
	const hosts: Record<string, { fetch(request: Request): Promise<Response> }> = {
		[new URL(DISCORD_TEST_BASE).host]: createDiscordEmulator(),
		[new URL(OPENAI_TEST_BASE).host]: createOpenAIFake(),
	};
	return async (request) => {
		const url = new URL(request.url);
		const standIn = hosts[url.host];
		const response = standIn
			? await standIn.fetch(request as unknown as Request)
			: Response.json({ error: `tests reach no network (${request.method} ${url.host})` }, { status: 502 });
		// Miniflare wants its own Response class back.
		return new MiniflareResponse(await response.arrayBuffer(), { status: response.status, headers: [...response.headers] });
	};
}
