// Benchmark of the whole pipeline: a signed /summarize through `wrangler dev`, with the Discord emulator
// answering each page in 100 ms from Discord-like buckets, timed until the summary reaches the
// interaction's message, with the pages of history it read. Extractive summarizer (no LLM time).
// Two channels: a uniform one (1,000 and 10,000 messages), and a sparse-newest one (10,000 messages,
// the older 9,000 seconds apart, the newest 1,000 spread over the last week), where the pace of the
// newest pages says little about the rest: all 10,000 of it, and its newest 1,000, whose summary must
// hold exactly 1,000 messages. Target for 10,000: under 5 s; reading the pages one after another alone
// takes about 10 s, and 100 pages is the least any reader can do.
// Prints one JSON line. Run: npm run bench:pipeline
import { setTimeout as sleep } from "node:timers/promises";
import type { APIEmbed, APIMessage } from "discord-api-types/v10";
import { SECOND_MS, WEEK_S } from "../src/lib/time.ts";
import { generateMessages } from "../test/stand-ins/discord-messages.ts";
import { type Bot, report, signed, snowflake, startBot, summarize } from "./harness.ts";
import { readSummary } from "./summary-quality.ts";

const PAGE_LATENCY_MS = 100;
const PAGE = 100;
const WEEK_MS = WEEK_S * SECOND_MS;

/** Messages of a channel whose newest `count` have come at an even pace (45 s apart), and 500 older ones. */
function uniform(channelId: string, count: number): APIMessage[] {
	return generateMessages({ channelId, count: count + 500, seed: count, endTime: Date.now() - 1000 });
}

/** 10,000 messages: 9,000 a few seconds apart, then 1,000 spread over the last week. */
function sparseNewest(channelId: string): APIMessage[] {
	const now = Date.now() - 1000;
	const newest = generateMessages({ channelId, count: 1000, seed: 2, spacingMs: WEEK_MS / 1000, endTime: now });
	const older = generateMessages({ channelId, count: 9000, seed: 1, spacingMs: 3000, endTime: now - WEEK_MS });
	return [...older, ...newest];
}

async function pagesRead(bot: Bot, channelId: string): Promise<number> {
	const stats = (await (await fetch(`${bot.emulator}/__emulator/stats`)).json()) as { pages: Record<string, number> };
	return stats.pages[channelId] ?? 0;
}

async function run(bot: Bot, messages: APIMessage[], count: number) {
	const channelId = messages[0].channel_id;
	await fetch(`${bot.emulator}/__emulator/channels`, { method: "POST", body: JSON.stringify({ id: channelId, messages }) });
	const interaction = summarize(snowflake(), channelId, snowflake(), messages.at(-1)!.id, [{ name: "messages", type: 4, value: count }]);
	const started = performance.now();
	const answer = (await (await fetch(`${bot.url}/interactions`, { method: "POST", ...signed(interaction) })).json()) as { type: number };
	if (answer.type !== 5) throw new Error(`expected a deferred answer, got ${JSON.stringify(answer)}`);
	for (;;) {
		const records = (await (await fetch(`${bot.emulator}/__records?token=${interaction.token}`)).json()) as {
			body: { embeds?: APIEmbed[] };
		}[];
		const result = records.find((record) => record.body.embeds?.length);
		if (result) {
			const seconds = (performance.now() - started) / 1000;
			const pages = await pagesRead(bot, channelId);
			return {
				messages: count,
				summarized_messages: readSummary(result.body.embeds!)?.messages ?? 0,
				seconds: Number(seconds.toFixed(2)),
				serial_paging_seconds: (Math.ceil(count / PAGE) * PAGE_LATENCY_MS) / 1000,
				pages_read: pages,
				pages_per_1000_messages: Number(((pages * 1000) / count).toFixed(1)),
				summary_embeds: result.body.embeds!.length,
			};
		}
		if (performance.now() - started > 120_000) throw new Error(`no summary for ${count} messages after 120 s`);
		await sleep(50);
	}
}

const bot = await startBot({ emulator: { latencyMs: PAGE_LATENCY_MS } });
try {
	await run(bot, uniform(snowflake(), 200), 200);
	// Each run on a channel of its own: its pages are counted alone, and no summary is cached for it.
	const results = {
		m1000: await run(bot, uniform(snowflake(), 1000), 1000),
		m10000: await run(bot, uniform(snowflake(), 10_000), 10_000),
		sparse_newest_m10000: await run(bot, sparseNewest(snowflake()), 10_000),
		sparse_newest_m1000: await run(bot, sparseNewest(snowflake()), 1000),
	};
	report("pipeline", { page_latency_ms: PAGE_LATENCY_MS, summarizer: "extractive", ...results });
} finally {
	await bot.stop();
}
