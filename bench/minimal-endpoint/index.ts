// POST /: a Discord interactions endpoint that verifies the signature and answers PING, nothing more, as
// Discord's sample app does (discord-interactions and itty-router, the bot's own two packages for it).
import { InteractionResponseType, InteractionType, verifyKey } from "discord-interactions";
import { AutoRouter } from "itty-router";

interface Env {
	DISCORD_PUBLIC_KEY: string;
}

const router = AutoRouter();

router.post("/", async (request: Request, env: Env) => {
	const body = await request.text();
	const signature = request.headers.get("x-signature-ed25519") ?? "";
	const timestamp = request.headers.get("x-signature-timestamp") ?? "";
	if (!(await verifyKey(body, signature, timestamp, env.DISCORD_PUBLIC_KEY)))
		return Response.json({ error: "bad signature" }, { status: 401 });
	const { type } = JSON.parse(body) as { type: number };
	if (type !== InteractionType.PING) return Response.json({ error: "unknown interaction type" }, { status: 400 });
	return Response.json({ type: InteractionResponseType.PONG });
});

export default { fetch: router.fetch };
