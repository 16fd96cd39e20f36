// The hourly cron trigger: retention, and the digests that are due. Each runs on its own, so one failing
// doesn't stop the other; a failure is logged and then fails the run, so it shows in the dashboard.
import { drizzle } from "drizzle-orm/d1";
import { enforceRetention } from "./db/retention";
import { enqueueDueDigests } from "./jobs/digests-due";
import { log, reason } from "./lib/log";

function loggedFailure(event: "retention.failed" | "digests.failed") {
	return (error: unknown): never => {
		log({ event, reason: reason(error) });
		throw error;
	};
}

export async function hourly(env: Env, scheduledTime: number): Promise<void> {
	const db = drizzle(env.DB);
	const results = await Promise.allSettled([
		enforceRetention(db, scheduledTime).then((removed) => log({ event: "retention.done", ...removed }), loggedFailure("retention.failed")),
		enqueueDueDigests(db, env.SUMMARY_QUEUE, scheduledTime).then(
			(counts) => log({ event: "digests.done", ...counts }),
			loggedFailure("digests.failed"),
		),
	]);
	const failed = results.find((result) => result.status === "rejected");
	if (failed) throw failed.reason;
}
