// The Worker's side of the guild Durable Object: the one place that finds a guild's object, and this
// isolate's memory of the object's recent cache hits, so a popular summary is answered without a call.
// Only exact keys (those naming the channel's last message) are remembered: their summary can't change.
// The isolate cache's short lifetime bounds how long a request that left its style or language to the
// guild's defaults can still get the summary those defaults made before an admin changed them (in the
// isolate that ran /config, not at all: it clears).
import { isExactKey, type SummaryJob, type Unchosen } from "../domain/job";
import type { Style } from "../domain/styles";
import { IsolateCache } from "../lib/isolate-cache";
import { log, reason } from "../lib/log";
import type { Decision, GuildObject, SummaryMessage } from "./guild-object";

export function guildObject(env: Env, guildId: string): DurableObjectStub<GuildObject> {
	return env.GUILD.getByName(guildId);
}

/** Recent hits, by the request as asked (what it left to the guild's defaults included), with the style decided. */
const recentHits = new IsolateCache<{ summary: SummaryMessage; style: Style; expiresAt: number }>();

function askedKey(job: SummaryJob, unchosen: Unchosen): string {
	return `${job.key}~${unchosen.style ? "s" : ""}${unchosen.language ? "l" : ""}`;
}

/** Forgets this isolate's recent hits: after a guild's defaults change, they may be in another style or language. */
export function forgetRecentSummaries(): void {
	recentHits.clear();
}

/** Decides a summary request: from this isolate's recent hits when it can, else in the guild's object. */
export async function admit(env: Env, asked: SummaryJob, unchosen: Unchosen, now: number): Promise<Decision> {
	const key = askedKey(asked, unchosen);
	const recent = asked.fresh ? undefined : recentHits.get(key, now);
	if (recent) return { outcome: "hit", summary: recent.summary, expiresAt: recent.expiresAt, job: { ...asked, style: recent.style } };
	let decision: Decision;
	try {
		decision = await guildObject(env, asked.guildId).admit(asked, unchosen);
	} catch (error) {
		log({ event: "guild.admit_failed", guild: asked.guildId, reason: reason(error) });
		return { outcome: "failed", job: asked };
	}
	if (decision.outcome === "hit" && isExactKey(decision.job.key)) {
		recentHits.put(key, { summary: decision.summary, style: decision.job.style, expiresAt: decision.expiresAt }, decision.expiresAt, now);
	}
	return decision;
}
