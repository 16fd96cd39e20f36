// The summary queue's consumer. This version has no summarizer yet: it ends each job honestly,
// telling everyone who is waiting, and frees the job in the guild's Durable Object.
import { TOKEN_LIFETIME_MS, type SummaryJob } from "./job";

const NOT_YET = "Summaries can't be made by this version of Summary Bot yet: your request was received, but there is no summarizer to run it.";

async function editOriginal(env: Env, target: { applicationId: string; token: string }, content: string): Promise<void> {
	const url = `${env.DISCORD_API_BASE}/webhooks/${target.applicationId}/${target.token}/messages/@original`;
	const response = await fetch(url, {
		method: "PATCH",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ content, allowed_mentions: { parse: [] } }),
	});
	if (!response.ok) throw new Error(`Discord answered ${response.status} to the edit`);
}

export async function consume(batch: MessageBatch<SummaryJob>, env: Env): Promise<void> {
	for (const message of batch.messages) {
		const job = message.body;
		try {
			const waiting = await env.GUILD.get(env.GUILD.idFromName(job.guildId)).finish(job, null);
			if (Date.now() < job.requestedAt + TOKEN_LIFETIME_MS) {
				await Promise.all([job, ...waiting].map((target) => editOriginal(env, target, NOT_YET)));
			}
			message.ack();
		} catch (error) {
			console.error(JSON.stringify({ event: "job.failed", guild: job.guildId, attempt: message.attempts, reason: String(error) }));
			message.retry({ delaySeconds: 2 ** message.attempts });
		}
	}
}
