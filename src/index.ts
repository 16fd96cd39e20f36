// The Worker's entry point: wires the parts together and holds no logic of its own.
import { drizzle } from "drizzle-orm/d1";
import { enforceRetention } from "./db/retention";
import { router } from "./router";
import { consume } from "./summarizer/consumer";
import type { SummaryJob } from "./summarizer/job";

export { GuildObject } from "./guild/guild-object";

export default {
	fetch: (request, env, ctx) => router.fetch(request, env, ctx),
	queue: (batch, env) => consume(batch, env),
	async scheduled(controller, env) {
		const deleted = await enforceRetention(drizzle(env.DB), controller.scheduledTime);
		console.log(JSON.stringify({ event: "retention.swept", ...deleted }));
	},
} satisfies ExportedHandler<Env, SummaryJob>;
