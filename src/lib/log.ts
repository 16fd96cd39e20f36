// The Worker's log: one JSON line per event, each event one of a closed set with its own fields, so
// whoever counts them in the dashboard (docs/analytics.md) can rely on their names and shapes. It is
// also the one place where secrets are taken out: no log line may carry a credential.

/** Commands whose work runs after a "thinking…" answer (interactions/deferred.ts). */
export type DeferredCommand = "config" | "privacy" | "stats" | "summaries" | "vote";

/** A failure's reason, from `reason()`: redacted. */
type Reason = { reason: string };
/** The guild concerned; a deferred interaction may come from a DM, without one. */
type InGuild = { guild: string | undefined };

export type LogEvent =
	| ({ event: "request.failed" } & Reason)
	| ({ event: "analytics.lost" } & Reason)
	| ({ event: "d1.write_lost" } & InGuild & Reason)
	/** A setting the operator gave cannot be read (`name`; never its value): what it bounds fails closed. */
	| { event: "config.invalid"; name: string }
	| ({ event: "roles.unavailable" } & InGuild & Reason)
	| ({ event: "llm.fallback" } & Reason)
	| ({ event: "guild.admit_failed" } & InGuild & Reason)
	/** A large range's charge to the rate limits, once read, did not reach the guild's object. */
	| ({ event: "guild.charge_lost" } & InGuild & Reason)
	| ({ event: "config.push_failed" } & InGuild & Reason)
	| ({ event: `${DeferredCommand}.failed` } & InGuild & Reason)
	| ({ event: `${DeferredCommand}.failed.undelivered` } & Reason)
	| { event: "retention.done"; summaries: number; votes: number; usageEvents: number; llmTokens: number }
	| ({ event: "retention.failed" } & Reason)
	| { event: "digests.done"; enqueued: number; skipped: number }
	| ({ event: "digests.failed" } & Reason)
	/** A queue job failed this delivery (`attempt`), and is retried or, after the last, given up. */
	| ({ event: "job.failed"; kind: "summary" | "digest"; attempt: number } & InGuild & Reason)
	| ({ event: "job.enqueue_failed" } & InGuild & Reason)
	/** Discord refused a result's delivery to one interaction for good (`status`: token expired, message dismissed). */
	| ({ event: "delivery.lost"; status: number } & InGuild)
	/** A digest turned itself off: Discord refused (`status`) while reading the channel or posting in it. */
	| ({ event: "digest.disabled"; status: number; while: "reading" | "posting" } & InGuild)
	/** A queue message no consumer knows: its `kind` and `version`, when it has them. */
	| { event: "queue.unknown_message"; kind: string | undefined; version: number | undefined };

/** What goes to console.log: the rest are failures, for console.error. */
const INFO: ReadonlySet<LogEvent["event"]> = new Set(["retention.done", "digests.done", "digest.disabled"]);

/** Writes one event as one JSON line, redacted whatever its fields hold. */
export function log(entry: LogEvent): void {
	const line = redact(JSON.stringify(entry));
	if (INFO.has(entry.event)) console.log(line);
	else console.error(line);
}

/** An error (or anything thrown) as a string fit for a log line: secrets and tokens redacted. */
export function reason(error: unknown): string {
	return redact(String(error));
}

/** Credentials recognised by their shape, wherever they appear. */
const SHAPES: readonly [RegExp, string][] = [
	// A webhook's token (an interaction's among them) lets anyone edit its messages.
	[/(\/webhooks\/[^/\s"']+\/)[^/\s?#"']+/g, "$1:token"],
	[/\b(Bot|Bearer)\s+[^\s"',;]+/gi, "$1 [redacted]"],
	[/\bsk-[A-Za-z0-9_-]{8,}/g, "sk-[redacted]"],
	// A Discord bot token: the bot's id in base64, a timestamp and an HMAC, dot-separated.
	[/\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, "[redacted]"],
];

/** The Worker's own secrets, in case one turns up in a shape not recognised; longest first, so none is half-redacted. */
let secrets: string[] = [];

/**
 * Registers the secret values the Worker holds (from its env), redacted from every line by value.
 * Called by the entry point on each invocation: an isolate serves one configuration, so this is cheap.
 */
export function redactSecrets(values: readonly (string | undefined)[]): void {
	// Every invocation registers the same values: the usual call only compares them, allocating nothing.
	if (values.every((value) => !value || secrets.includes(value))) return;
	const known = new Set([...secrets, ...values.filter((value): value is string => Boolean(value))]);
	secrets = [...known].sort((a, b) => b.length - a.length);
}

/** The secrets a Worker's env holds, registered by the entry point and by each Durable Object, whose isolate may be another. */
export function hideSecrets(env: Pick<Env, "DISCORD_BOT_TOKEN" | "ADMIN_TOKEN" | "OPENAI_API_KEY">): void {
	redactSecrets([env.DISCORD_BOT_TOKEN, env.ADMIN_TOKEN, env.OPENAI_API_KEY]);
}

function redact(text: string): string {
	const byValue = secrets.reduce((redacted, secret) => redacted.replaceAll(secret, "[redacted]"), text);
	return SHAPES.reduce((redacted, [shape, replacement]) => redacted.replace(shape, replacement), byValue);
}
