// The Worker's entry point: wires the parts together and holds no logic of its own.
import { hourly } from "./cron";
import { router } from "./router";
import { consume } from "./jobs/queue";
import type { QueueJob } from "./domain/job";

export { GuildObject } from "./guild/guild-object";

export default {
	fetch: (request, env, ctx) => router.fetch(request, env, ctx),
	queue: (batch, env) => consume(batch, env),
	scheduled: (controller, env) => hourly(env, controller.scheduledTime),
} satisfies ExportedHandler<Env, QueueJob>;
