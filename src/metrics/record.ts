// One record per interaction: an Analytics Engine data point (analytics.ts, for the Workers analytics
// dashboard) and a usage event in D1 (for /stats and /admin). Written after the answer, never before it,
// and a failure to record never fails the request. Never any message content.
import { type Usage, writeDataPoint } from "./analytics";

/** Records an interaction whose outcome the interaction path decided (the consumer records the rest). */
export function recordInteraction(env: Env, ctx: ExecutionContext, usage: Usage): void {
	writeDataPoint(env, usage);
	ctx.waitUntil(import("./usage-event").then(({ writeUsageEvent }) => writeUsageEvent(env, usage)));
}
