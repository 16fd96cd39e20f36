// D1 writes that must not fail a user's answer: retried with backoff, and logged as lost when D1 keeps
// refusing. Every write here is idempotent (keyed by interaction id), so a retry leaves one row.
import { log, reason } from "../lib/log";

const WRITE_ATTEMPTS = 3;

/**
 * Runs a D1 write, retrying it with backoff; when D1 keeps failing, logs the loss (`d1.write_lost`,
 * counted in docs/analytics.md) and returns false instead of throwing: the user's answer comes first.
 */
export async function writeOrLogLoss(guildId: string, write: () => PromiseLike<unknown>): Promise<boolean> {
	for (let attempt = 1; ; attempt++) {
		try {
			await write();
			return true;
		} catch (error) {
			if (attempt >= WRITE_ATTEMPTS) {
				log({ event: "d1.write_lost", guild: guildId, reason: reason(error) });
				return false;
			}
			await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
		}
	}
}
