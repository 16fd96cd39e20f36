// Benchmark of the summary cache: replays a day of a busy server (bench/cache-workload.ts: 1,000
// /summarize over 50 channels with Zipf popularity, new messages arriving between them) through the
// real interaction path of `wrangler dev`, with the OpenAI stand-in as the LLM, and counts LLM calls and
// tokens per *answered* request. The day is replayed at BENCH_CACHE_RATE requests per second (10), so
// cache expiry (1 h; 10 min for time ranges) does not bind as it would over a real day: the workload's
// ideal exact-key cache is reported with and without expiry beside the measurement.
// Each summary a member received is read back (bench/summary-quality.ts): how much of its range the LLM
// read, whether it has points, whether it is of exactly its range; and each answered request is priced
// as a naive bot would send it. Targets, at each rate: every LLM summary read by the LLM for ≥ 90% of its
// range; no summary without points; LLM calls per answered request ≤ 0.5 × the ideal exact-key cache's
// misses per request (without expiry: nothing expires in the replay either); tokens per answered request
// ≤ 0.3 × the naive bot's.
// Rate limits: the bot is built with bench/high-limits.ts (limits no request reaches), since a denied
// request would neither cost a call nor leave a summary to reuse; denials are still counted, and left out.
// Runs once per rate of new messages (BENCH_CACHE_MESSAGES_PER_REQUEST, default "10,1,0": a busy server,
// a quieter one, channels standing still), each on fresh channels. Prints one JSON line, with the targets met.
// Run: npm run bench:cache

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type APIApplicationCommandInteractionDataBasicOption,
	type APIEmbed,
	type APIInteractionResponse,
	type APIInteractionResponseChannelMessageWithSource,
	type APIMessage,
	ApplicationCommandOptionType,
	InteractionResponseType,
} from "discord-api-types/v10";
import type { Range } from "../src/domain/job.ts";
import { MESSAGES } from "../src/domain/limits.ts";
import { generateMessages, messageObject } from "../test/stand-ins/discord-messages.ts";
import { CHANNELS, DAY_MS, HISTORY, idealCache, SINCE_SECONDS, type SummaryRequestEvent, workload, zipf } from "./cache-workload.ts";
import { type CountingLlm, FAKE_OPENAI_KEY, type LlmCounts, serveCountingLlm } from "./counting-llm.ts";
import { drain, tally } from "./deliveries.ts";
import { type Bot, command, postNewMessages, queryD1, ROOT, report, send, snowflake, startBot, summarizeFromHere } from "./harness.ts";
import { rootConfig } from "./root-config.ts";
import { type Asked, readSummary, summaryQuality } from "./summary-quality.ts";

const REQUESTS = Number(process.env.BENCH_CACHE_REQUESTS ?? 1000);
const RATE = Number(process.env.BENCH_CACHE_RATE ?? 10);
const SWEEP = (process.env.BENCH_CACHE_MESSAGES_PER_REQUEST ?? "10,1,0").split(",").map(Number);
const IN_FLIGHT = 32;
/** The author of a "Summarize from here" target, as the interaction carries it (the bot reads only its id). */
const MEMBER = { id: "900000000000000000", username: "alice", discriminator: "0", global_name: "Alice", avatar: null };

interface Channel {
	id: string;
	/** Its messages, oldest first, as the bot reads them. */
	messages: APIMessage[];
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
			return { id, messages: history, arriving };
		}),
	);
}

/** Posts `count` of the channel's arriving messages. */
async function post(bot: Bot, channel: Channel, count: number): Promise<void> {
	const templates = channel.arriving.splice(0, count);
	const ids = await postNewMessages(bot, channel.id, templates);
	// Authors, contents and kinds are what the emulator holds: enough to count what the bot and a naive bot read.
	channel.messages.push(...templates.map((message, i) => ({ ...message, id: ids[i] })));
}

/** The message "Summarize from here" is used on: `back` messages before the newest. */
function targetOf(channel: Channel, back: number): APIMessage {
	return channel.messages[channel.messages.length - 1 - back];
}

/** The range a request asks for, as src/interactions/summarize-request.ts parses it. */
function rangeOf(channel: Channel, event: SummaryRequestEvent): Range {
	switch (event.shape.kind) {
		case "count":
			return { kind: "count", messages: event.shape.messages ?? MESSAGES.default };
		case "since":
			return { kind: "since", seconds: SINCE_SECONDS[event.shape.since], maxMessages: MESSAGES.max };
		case "from":
			return { kind: "from", messageId: targetOf(channel, event.shape.back).id };
	}
}

function interaction(guildId: string, channel: Channel, event: SummaryRequestEvent) {
	const where = {
		guildId,
		channelId: channel.id,
		userId: `${700_000 + event.member}`,
		lastMessageId: channel.messages.at(-1)!.id,
		locale: event.locale,
	};
	if (event.shape.kind === "from") {
		const target = messageObject({
			id: targetOf(channel, event.shape.back).id,
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
	// A day of 1,000 requests may spend near the default daily LLM budget: the bench measures the cache, not it.
	queryD1(
		bot,
		`INSERT INTO guild_settings (guild_id, llm_tokens_per_day, updated_by, updated_at) VALUES ('${guildId}', 1000000000, 'bench', 0)`,
	);
	const answers = { hit: 0, deferred: 0, denied: 0, other: 0, http_errors: 0 };
	const deferred: string[] = [];
	const asked = new Map<string, Asked>();
	/** Interaction id → token: D1 keys a summary by the interaction whose job made it. */
	const tokens = new Map<string, string>();
	const hits = new Map<string, APIEmbed[]>();
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
		asked.set(body.token, { history: channel.messages.slice(), range: rangeOf(channel, event), at: Date.now() });
		tokens.set(body.id, body.token);
		const request = send(bot, body).then(({ status, answer }) => {
			const kind = status === 200 && "type" in answer ? classify(answer) : "http_errors";
			answers[kind]++;
			if (kind === "deferred") deferred.push(body.token);
			if (kind === "hit") hits.set(body.token, (answer as APIInteractionResponseChannelMessageWithSource).data.embeds ?? []);
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
	const answeredWith = [...asked].flatMap(([token, request]) => {
		const embeds = hits.get(token) ?? found.get(token)?.embeds;
		const fate = hits.has(token) ? "delivered" : found.get(token)?.fate;
		if (!embeds || !(fate === "delivered" || fate === "fallback" || fate === "told")) return [];
		return [{ asked: request, shown: readSummary(embeds) }];
	});
	const made = queryD1<{ id: string; channel_id: string; first_message_id: string; last_message_id: string }>(
		bot,
		`SELECT id, channel_id, first_message_id, last_message_id FROM summaries WHERE guild_id = '${guildId}'`,
	).flatMap((row) => {
		const shown = readSummary(found.get(tokens.get(row.id) ?? "")?.embeds ?? []);
		const messages = channels.find((channel) => channel.id === row.channel_id)?.messages ?? [];
		const first = messages.findIndex((message) => message.id === row.first_message_id);
		const last = messages.findIndex((message) => message.id === row.last_message_id);
		return shown && first >= 0 && last >= 0 ? [{ shown, range: messages.slice(first, last + 1) }] : [];
	});
	const quality = summaryQuality(answeredWith, made);
	const callsPerRequest = round(used.calls / answered);
	const tokensPerRequest = Math.round((used.tokensIn + used.tokensOut) / answered);
	const targets = {
		llm_calls_per_answered_request: round((0.5 * ideal.missesNoExpiry) / REQUESTS),
		tokens_per_answered_request: Math.round(0.3 * quality.naive_tokens_per_answered_request),
	};
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
		llm_calls_per_answered_request: callsPerRequest,
		llm_calls_per_miss: round(used.calls / Math.max(1, answers.deferred - joined)),
		tokens_per_answered_request: tokensPerRequest,
		...quality,
		ideal_exact_key_misses_no_expiry: ideal.missesNoExpiry,
		ideal_exact_key_misses_with_expiry: ideal.misses,
		misses_first_of_their_shape: ideal.firstOfShape,
		misses_only_for_new_messages: ideal.newMessagesSince,
		targets,
		targets_met: {
			coverage: quality.coverage_min === null || quality.coverage_min >= 0.9,
			no_empty_summaries: quality.empty_summaries === 0,
			llm_calls: callsPerRequest <= targets.llm_calls_per_answered_request,
			tokens: tokensPerRequest <= targets.tokens_per_answered_request,
		},
		seconds: Math.round((performance.now() - started) / 1000),
	};
}

/**
 * wrangler.toml with bench/high-limits.ts in place of the token buckets, as a config of its own in `dir`, its paths
 * made absolute. The Worker is built by scripts/build-worker.ts, not by wrangler, so wrangler's `alias` (and its
 * `--alias` argument) would change nothing: the build script is told.
 */
function highLimitsConfig(dir: string): string {
	const config = rootConfig();
	const build = `node ${join(ROOT, "scripts/build-worker.ts")} --alias ./token-bucket=${join(ROOT, "bench/high-limits.ts")}`;
	writeFileSync(
		join(dir, "wrangler.json"),
		JSON.stringify({ ...config, build: { ...config.build, command: build, cwd: ROOT, watch_dir: join(ROOT, "src") } }),
	);
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
		targets:
			"at each rate: LLM coverage ≥ 0.9 for every LLM summary; no empty summary; LLM calls per answered request ≤ 0.5 × " +
			"the ideal exact-key cache's misses per request; tokens per answered request ≤ 0.3 × the naive bot's",
		all_targets_met: runs.every((run) => Object.values(run.targets_met).every(Boolean)),
		runs,
	});
} finally {
	await stop();
}
