// The Worker's entry point: wires the parts together and holds no logic of its own.
import { hourly } from "./cron";
import { router } from "./router";

export { GuildObject } from "./guild/guild-object";

export default {
	fetch: (request, env, ctx) => router.fetch(request, env, ctx),
	// Imported on the first batch: the consumer's code (tokenizer, LLM client, summarizer) is most of the Worker,
	// and an isolate that only answers interactions never compiles it (scripts/build-worker.ts makes it a module).
	queue: async (batch, env) => (await import("./jobs/queue")).consume(batch, env),
	scheduled: (controller, env) => hourly(env, controller.scheduledTime),
} satisfies ExportedHandler<Env, unknown>;
