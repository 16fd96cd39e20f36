// The Worker's entry point: wires the parts together and holds no logic of its own.
import { hideSecrets } from "./lib/log";
import { router } from "./router";

export { DiscordCoordinator } from "./discord/coordinator";
export { GuildObject } from "./guild/guild-object";

// The secrets this Worker holds never reach a log line, whatever shape an error quotes them in.
export default {
	fetch: (request, env, ctx) => {
		hideSecrets(env);
		return router.fetch(request, env, ctx);
	},
	// Imported on the first batch: the consumer's code (tokenizer, LLM client, summarizer) is most of the Worker,
	// and an isolate that only answers interactions never compiles it (scripts/build-worker.ts makes it a module).
	queue: async (batch, env) => {
		hideSecrets(env);
		return (await import("./jobs/queue")).consume(batch, env);
	},
	// Imported on the hour's first run, like the consumer: retention and digests are no interaction's work.
	scheduled: async (controller, env) => {
		hideSecrets(env);
		return (await import("./cron")).hourly(env, controller.scheduledTime);
	},
} satisfies ExportedHandler<Env, unknown>;
