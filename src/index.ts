// The Worker's entry point: wires the parts together and holds no logic of its own.
import { router } from "./router";
import { consume } from "./summarizer/consumer";
import type { SummaryJob } from "./summarizer/job";

export { GuildObject } from "./guild/guild-object";

export default {
	fetch: (request, env, ctx) => router.fetch(request, env, ctx),
	queue: (batch, env) => consume(batch, env),
} satisfies ExportedHandler<Env, SummaryJob>;
