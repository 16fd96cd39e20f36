// Benchmark of the summary cache: replays a day of a busy server (bench/cache-workload.ts: 1,000
// /summarize over 50 channels with Zipf popularity, new messages arriving between them) through the
// real interaction path of `wrangler dev`, with the OpenAI stand-in as the LLM, and counts LLM calls and
// tokens per *answered* request. The day is replayed at BENCH_CACHE_RATE requests per second (10), so
// cache expiry (1 h; 10 min for time ranges) does not bind as it would over a real day: the workload's
// ideal exact-key cache is reported with and without expiry beside the measurement.
// Rate limits: the bot is built with bench/high-limits.ts (limits no request reaches), since a denied
// request would neither cost a call nor leave a summary to reuse; denials are still counted, and left out.
// Runs once per rate of new messages (BENCH_CACHE_MESSAGES_PER_REQUEST, default "10,1,0": a busy server,
// a quieter one, channels standing still), each on fresh channels. Prints one JSON line.
// Run: npm run bench:cache

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type APIApplicationCommandInteractionDataBasicOption,
	type APIInteractionResponse,
	type APIMessage,
	ApplicationCommandOptionType,
	InteractionResponseType,
} from "discord-api-types/v10";
import { experimental_readRawConfig } from "wrangler";
import { generateMessages, messageObject } from "../test/stand-ins/discord-messages.ts";
import { CHANNELS, DAY_MS, HISTORY, idealCache, type SummaryRequestEvent, workload, zipf } from "./cache-workload.ts";
import { type CountingLlm, FAKE_OPENAI_KEY, type LlmCounts, serveCountingLlm } from "./counting-llm.ts";
import { drain, tally } from "./deliveries.ts";
import { type Bot, command, postNewMessages, queryD1, ROOT, report, send, snowflake, startBot, summarizeFromHere } from "./harness.ts";

const REQUESTS = Number(process.env.BENCH_CACHE_REQUESTS ?? 1000);
const RATE = Number(process.env.BENCH_CACHE_RATE ?? 10);
const SWEEP = (process.env.BENCH_CACHE_MESSAGES_PER_REQUEST ?? "10,1,0").split(",").map(Number);
const IN_FLIGHT = 32;
/** The author of a "Summarize from here" target, as the interaction carries it (the bot reads only its id). */
const MEMBER = { id: "900000000000000000", username: "alice", discriminator: "0", global_name: "Alice", avatar: null };

interface Channel {
	id: string;
	/** Ids of its messages, oldest first. */
	ids: string[];
	/** Messages to post when the workload says one arrives; generated up front. */
	arriving: APIMessage[];
}

async function seed(bot: Bot, events: ReturnType<typeof workload>, run: number): Promise<Channel[]> {
	const popularity = zipf(CHANNELS);
	return Promise.all(
		popularity.map(async (share, i) => {
			const id = snowflake();
			// Busy channels have a denser past: 10,000 messages a day across the server, by popularity.
			const spacingMs = DAY_MS / (10_000 * share);
			const history = generateMessages({ channelId: id, count: HISTORY, seed: run * 1000 + i, spacingMs, endTime: Date.now() - 1000 });
			const response = await fetch(`${bot.emulator}/__emulator/channels`, {
				method: "POST",
				body: JSON.stringify({ id, messages: history }),
			});
			if (!response.ok) throw new Error(`seeding a channel failed: ${response.status}`);
			const count = events.filter((event) => event.type === "message" && event.channel === i).length;
			const arriving = generateMessages({ channelId: id, count, seed: run * 1000 + 500 + i });
			return { id, ids: history.map((message) => message.id), arriving };
		}),
	);
}

/** Posts `count` of the channel's arriving messages. */
async function post(bot: Bot, channel: Channel, count: number): Promise<void> {
	channel.ids.push(...(await postNewMessages(bot, channel.id, channel.arriving.splice(0, count))));
}

function interaction(guildId: string, channel: Channel, event: SummaryRequestEvent) {
	const where = {
		guildId,
		channelId: channel.id,
		userId: `${700_000 + event.member}`,
		lastMessageId: channel.ids.at(-1)!,
		locale: event.locale,
	};
	if (event.shape.kind === "from") {
		const target = messageObject({
			id: channel.ids[channel.ids.length - 1 - event.shape.back],
			channel_id: channel.id,
			author: MEMBER,
			timestamp: new Date().toISOString(),
		});
		return summarizeFromHere(where, target);
	}
	const options: APIApplicationCommandInteractionDataBasicOption[] = [];
	if (event.shape.kind === "count" && event.shape.messages)
		options.push({ name: "messages", type: ApplicationCommandOptionType.Integer, value: event.shape.messages });
	if (event.shape.kind === "since") options.push({ name: "since", type: ApplicationCommandOptionType.String, value: event.shape.since });
	if (event.style) options.push({ name: "style", type: ApplicationCommandOptionType.String, value: event.style });
	if (event.public) options.push({ name: "public", type: ApplicationCommandOptionType.Boolean, value: true });
	return command(where, "summarize", options);
}

function classify(answer: APIInteractionResponse): "hit" | "deferred" | "denied" | "other" {
	if (answer.type === InteractionResponseType.DeferredChannelMessageWithSource) return "deferred";
	if (answer.type !== InteractionResponseType.ChannelMessageWithSource) return "other";
	if (answer.data.embeds?.length) return "hit";
	return /<t:\d+:R>/.test(answer.data.content ?? "") ? "denied" : "other";
}

function diff(after: LlmCounts, before: LlmCounts): LlmCounts {
	return {
		calls: after.calls - before.calls,
		failed: after.failed - before.failed,
		tokensIn: after.tokensIn - before.tokensIn,
		tokensOut: after.tokensOut - before.tokensOut,
	};
}

async function replay(bot: Bot, llm: CountingLlm, messagesPerRequest: number, run: number) {
	const events = workload({ requests: REQUESTS, messagesPerRequest, seed: run + 1 });
	const channels = await seed(bot, events, run);
	const guildId = snowflake();
	const answers = { hit: 0, deferred: 0, denied: 0, other: 0, http_errors: 0 };
	const deferred: string[] = [];
	const pending = new Set<Promise<void>>();
	const arrived = new Array<number>(CHANNELS).fill(0);
	const before = llm.counts();
	const started = performance.now();
	let sent = 0;

	for (const event of events) {
		if (event.type === "message") {
			arrived[event.channel]++;
			continue;
		}
		const channel = channels[event.channel];
		if (arrived[event.channel]) await post(bot, channel, arrived[event.channel]);
		arrived[event.channel] = 0;
		const wait = started + (sent++ * 1000) / RATE - performance.now();
		if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
		while (pending.size >= IN_FLIGHT) await Promise.race(pending);
		const body = interaction(guildId, channel, event);
		const request = send(bot, body).then(({ status, answer }) => {
			const kind = status === 200 && "type" in answer ? classify(answer) : "http_errors";
			answers[kind]++;
			if (kind === "deferred") deferred.push(body.token);
		});
		pending.add(request);
		void request.finally(() => pending.delete(request));
	}
	await Promise.all(pending);
	const found = await drain(bot.emulator, deferred, 300_000);
	const delivered = tally(found, deferred);
	const used = diff(llm.counts(), before);

	// Joined or admitted: the interaction path answers both "thinking…"; D1's usage events tell them apart.
	const outcomes = Object.fromEntries(
		queryD1<{ outcome: string; n: number }>(
			bot,
			`SELECT outcome, COUNT(*) AS n FROM usage_events WHERE guild_id = '${guildId}' GROUP BY outcome`,
		).map((row) => [row.outcome, row.n]),
	);
	const joined = outcomes.joined ?? 0;
	const answered = answers.hit + delivered.delivered + delivered.told_user;
	const ideal = idealCache(events);
	const round = (value: number) => Number(value.toFixed(3));
	return {
		messages_per_request: messagesPerRequest,
		new_messages: Math.round(REQUESTS * messagesPerRequest),
		requests: REQUESTS,
		answered,
		hit: answers.hit,
		joined,
		miss: answers.deferred - joined,
		denied: answers.denied,
		other_answers: answers.other + answers.http_errors,
		lost: delivered.lost,
		llm_calls: used.calls,
		llm_calls_failed: used.failed,
		llm_calls_per_answered_request: round(used.calls / answered),
		llm_calls_per_miss: round(used.calls / Math.max(1, answers.deferred - joined)),
		tokens_per_answered_request: Math.round((used.tokensIn + used.tokensOut) / answered),
		ideal_exact_key_misses_no_expiry: ideal.missesNoExpiry,
		ideal_exact_key_misses_with_expiry: ideal.misses,
		misses_first_of_their_shape: ideal.firstOfShape,
		misses_only_for_new_messages: ideal.newMessagesSince,
		seconds: Math.round((performance.now() - started) / 1000),
	};
}

/**
 * wrangler.toml with bench/high-limits.ts aliased in place of the token buckets, as a config of its own in `dir`
 * (`wrangler dev` 4.164 ignores its `--alias` argument), its paths made absolute.
 */
function highLimitsConfig(dir: string): string {
	const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, "wrangler.toml") });
	const config = {
		...rawConfig,
		main: join(ROOT, rawConfig.main!),
		d1_databases: rawConfig.d1_databases?.map((database: { migrations_dir?: string }) => ({
			...database,
			migrations_dir: join(ROOT, database.migrations_dir ?? "migrations"),
		})),
		alias: { "./token-bucket": join(ROOT, "bench/high-limits.ts") },
	};
	writeFileSync(join(dir, "wrangler.json"), JSON.stringify(config));
	return join(dir, "wrangler.json");
}

const dir = mkdtempSync(join(tmpdir(), "summary-bot-bench-cache-"));
const llm = await serveCountingLlm();
const bot = await startBot({
	openaiApiKey: FAKE_OPENAI_KEY,
	openaiBaseUrl: `${llm.url}/v1`,
	wranglerArgs: ["--config", highLimitsConfig(dir)],
});
const stop = () => Promise.all([bot.stop(), llm.close()]).finally(() => rmSync(dir, { recursive: true, force: true }));
process.on("SIGINT", () => void stop().finally(() => process.exit(130)));
try {
	const runs = [];
	for (const [run, messagesPerRequest] of SWEEP.entries()) runs.push(await replay(bot, llm, messagesPerRequest, run));
	const [main] = runs;
	report("cache", {
		channels: CHANNELS,
		zipf_exponent: 1,
		rate_per_second: RATE,
		limits: "raised (bench/high-limits.ts); denied requests left out",
		llm_calls_per_answered_request: main.llm_calls_per_answered_request,
		tokens_per_answered_request: main.tokens_per_answered_request,
		target_llm_calls_per_answered_request: 0.3,
		runs,
	});
} finally {
	await stop();
}
