// Benchmark of the whole pipeline: a signed /summarize for 1,000 and for 10,000 messages through
// `wrangler dev`, with the Discord emulator answering each page in 100 ms from Discord-like buckets,
// timed until the summary reaches the interaction's message. Extractive summarizer (no LLM time).
// Target for 10,000: under 5 s; reading the pages one after another alone takes about 10 s.
// Prints one JSON line. Run: npm run bench:pipeline
import { setTimeout as sleep } from "node:timers/promises";
import { generateMessages } from "../test/stand-ins/discord-messages.ts";
import { type Bot, report, signed, snowflake, startBot, summarize } from "./harness.ts";

const PAGE_LATENCY_MS = 100;

async function run(bot: Bot, count: number) {
	const channelId = snowflake();
	const messages = generateMessages({ channelId, count: count + 500, seed: count, endTime: Date.now() - 1000 });
	await fetch(`${bot.emulator}/__emulator/channels`, { method: "POST", body: JSON.stringify({ id: channelId, messages }) });
	const interaction = summarize(snowflake(), channelId, snowflake(), messages.at(-1)!.id, [{ name: "messages", type: 4, value: count }]);
	const started = performance.now();
	const answer = (await (await fetch(`${bot.url}/interactions`, { method: "POST", ...signed(interaction) })).json()) as { type: number };
	if (answer.type !== 5) throw new Error(`expected a deferred answer, got ${JSON.stringify(answer)}`);
	for (;;) {
		const records = (await (await fetch(`${bot.emulator}/__records`)).json()) as {
			token: string;
			body: { embeds?: { description?: string }[] };
		}[];
		const result = records.find((record) => record.token === interaction.token && record.body.embeds?.length);
		if (result) {
			const seconds = (performance.now() - started) / 1000;
			return {
				messages: count,
				seconds: Number(seconds.toFixed(2)),
				serial_paging_seconds: (Math.ceil(count / 100) * PAGE_LATENCY_MS) / 1000,
				summary_embeds: result.body.embeds!.length,
			};
		}
		if (performance.now() - started > 120_000) throw new Error(`no summary for ${count} messages after 120 s`);
		await sleep(50);
	}
}

const bot = await startBot({ emulator: { latencyMs: PAGE_LATENCY_MS } });
try {
	await run(bot, 200);
	const results = { m1000: await run(bot, 1000), m10000: await run(bot, 10_000) };
	report("pipeline", { page_latency_ms: PAGE_LATENCY_MS, summarizer: "extractive", ...results });
} finally {
	await bot.stop();
}
