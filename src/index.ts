// The Worker's entry point: wires the parts together and holds no logic of its own.
import { hourly } from "./cron";
import { consume } from "./jobs/queue";
import { router } from "./router";

export { GuildObject } from "./guild/guild-object";

export default {
	fetch: (request, env, ctx) => router.fetch(request, env, ctx),
	queue: (batch, env) => consume(batch, env),
	scheduled: (controller, env) => hourly(env, controller.scheduledTime),
} satisfies ExportedHandler<Env, unknown>;
