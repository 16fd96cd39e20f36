// The hourly cron trigger: retention, and the digests that are due. Each runs on its own, so one failing
// doesn't stop the other; a failure is logged and then fails the run, so it shows in the dashboard.
import { drizzle } from "drizzle-orm/d1";
import { enforceRetention } from "./db/retention";
import { enqueueDueDigests } from "./jobs/digests-due";

async function logged(task: "retention" | "digests", work: Promise<Record<string, number>>): Promise<void> {
	try {
		console.log(JSON.stringify({ event: `${task}.done`, ...(await work) }));
	} catch (error) {
		console.error(JSON.stringify({ event: `${task}.failed`, reason: String(error) }));
		throw error;
	}
}

export async function hourly(env: Env, scheduledTime: number): Promise<void> {
	const db = drizzle(env.DB);
	const results = await Promise.allSettled([
		logged("retention", enforceRetention(db, scheduledTime)),
		logged("digests", enqueueDueDigests(db, env.SUMMARY_QUEUE, scheduledTime)),
	]);
	const failed = results.find((result) => result.status === "rejected");
	if (failed) throw failed.reason;
}
