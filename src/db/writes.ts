// D1 writes that must not fail a user's answer: retried with backoff, and logged as lost when D1 keeps
// refusing. Every write here is idempotent (keyed by interaction id), so a retry leaves one row.
import { log, reason } from "../lib/log";
import { retry, type Sleep } from "../lib/retry";

/** Three tries, 0.2 s then 0.4 s apart (with jitter): a locked database frees up within that. */
const WRITE_RETRY = { attempts: 3, baseMs: 200 };

/**
 * Runs a D1 write of rows of `guilds` (one id per row: a batch's rows may be of several), retrying it with backoff;
 * when D1 keeps failing, logs the loss of each row (`d1.write_lost`, counted in docs/analytics.md) and returns false
 * instead of throwing: the user's answer comes first.
 */
export async function writeOrLogLoss(
	guilds: string | readonly string[],
	write: () => PromiseLike<unknown>,
	sleep?: Sleep,
): Promise<boolean> {
	try {
		await retry(async () => write(), { ...WRITE_RETRY, retryable: () => true, sleep });
		return true;
	} catch (error) {
		for (const guild of typeof guilds === "string" ? [guilds] : guilds) log({ event: "d1.write_lost", guild, reason: reason(error) });
		return false;
	}
}
