// One record per interaction: an Analytics Engine data point (analytics.ts, for the Workers analytics
// dashboard) and a usage event in D1 (for /stats and /admin). Written after the answer, never before it,
// and a failure to record never fails the request. Never any message content.
import { type Usage, writeDataPoint } from "./analytics";

/**
 * How long an isolate gathers usage events before writing them. A D1 call costs the Worker more CPU than the
 * rest of a cache hit (README, "Performance and reliability"): a busy isolate pays it once a window, not once a
 * request, and a quiet one writes each event a second later than it could, which /stats and /admin, counting
 * by the day, never notice.
 */
export const USAGE_WRITE_WINDOW_MS = 1000;

/** The events of the window open in this isolate: written by the request that opened it. */
let gathering: Usage[] | undefined;

/** Records an interaction whose outcome the interaction path decided (the consumer records the rest). */
export function recordInteraction(env: Env, ctx: ExecutionContext, usage: Usage): void {
	writeDataPoint(env, usage);
	if (gathering) {
		gathering.push(usage);
		return;
	}
	const batch = [usage];
	gathering = batch;
	ctx.waitUntil(
		scheduler.wait(USAGE_WRITE_WINDOW_MS).then(async () => {
			gathering = undefined;
			const { writeUsageEvents } = await import("./usage-event");
			await writeUsageEvents(env, batch);
		}),
	);
}
