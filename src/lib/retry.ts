// The one way to try again: exponential backoff with jitter, so clients that failed together don't
// retry together. Sleep and randomness are passed in, so tests run on a clock of their own.

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Backoff {
	/** The wait after the first failure, before jitter. */
	baseMs: number;
	/** No wait is longer, jitter included. */
	maxMs?: number;
}

/** The wait after failed try `attempt` (from 1): baseMs doubled each time, between half and one and a half times that, at most maxMs. */
export function backoffMs(
	attempt: number,
	{ baseMs, maxMs = Number.POSITIVE_INFINITY }: Backoff,
	random: () => number = Math.random,
): number {
	return Math.min(maxMs, baseMs * 2 ** (attempt - 1) * (0.5 + random()));
}

/** Whether a failure is worth another try: after the backoff (true), after a wait the failure named itself, or not (false). */
export type RetryVerdict = boolean | { afterMs: number };

export interface RetryOptions extends Backoff {
	/** Tries in all, the first included. */
	attempts: number;
	retryable: (error: unknown) => RetryVerdict;
	sleep?: Sleep;
	random?: () => number;
}

/** Runs `work` until it succeeds, the failure is not retryable, or the attempts are spent; then throws the last failure. */
export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
	const sleep = options.sleep ?? realSleep;
	for (let attempt = 1; ; attempt++) {
		try {
			return await work(attempt);
		} catch (error) {
			const verdict = attempt < options.attempts && options.retryable(error);
			if (verdict === false) throw error;
			await sleep(verdict === true ? backoffMs(attempt, options, options.random) : verdict.afterMs);
		}
	}
}
