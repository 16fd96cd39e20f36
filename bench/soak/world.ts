// The soak's world and its bookkeeping: guilds of channels with history in the Discord emulator, the
// interactions their members send, and what became of each (the HTTP answer, then what the bot delivered).
import {
	type APIApplicationCommandInteractionDataBasicOption,
	ApplicationCommandOptionType,
	InteractionResponseType,
} from "discord-api-types/v10";
import { generateMessages } from "../../test/stand-ins/discord-messages.ts";
import { drain, tally } from "../deliveries.ts";
import { type Bot, command, percentile, ping, postNewMessages, send, snowflake, type Where } from "../harness.ts";

export interface Guild {
	id: string;
	channels: { id: string; lastMessageId: string }[];
}

/** `count` guilds of `channels` channels, each with `messages` messages of history. */
export async function seedGuilds(bot: Bot, count: number, channels: number, messages = 300): Promise<Guild[]> {
	return Promise.all(
		Array.from({ length: count }, async () => ({
			id: snowflake(),
			channels: await Promise.all(
				Array.from({ length: channels }, async () => {
					const id = snowflake();
					const response = await fetch(`${bot.emulator}/__emulator/channels`, {
						method: "POST",
						body: JSON.stringify({ id, generate: { count: messages, seed: Number(BigInt(id) % 100_000n), endTime: Date.now() - 1000 } }),
					});
					if (!response.ok) throw new Error(`seeding a channel failed: ${response.status}`);
					const { lastMessageId } = (await response.json()) as { lastMessageId: string };
					return { id, lastMessageId };
				}),
			),
		})),
	);
}

/** A new message in the channel, like the ones before it. */
export async function newMessage(bot: Bot, channel: Guild["channels"][number]): Promise<void> {
	const [template] = generateMessages({ channelId: channel.id, count: 1, seed: Date.now() % 100_000 });
	[channel.lastMessageId] = await postNewMessages(bot, channel.id, [template]);
}

export function where(guild: Guild, channel: Guild["channels"][number], userId = snowflake()): Where {
	return { guildId: guild.id, channelId: channel.id, userId, lastMessageId: channel.lastMessageId };
}

export function summarizeIn(at: Where, options: Record<string, number | string> = {}) {
	const typed = Object.entries(options).map(
		([name, value]): APIApplicationCommandInteractionDataBasicOption =>
			typeof value === "number"
				? { name, type: ApplicationCommandOptionType.Integer, value }
				: { name, type: ApplicationCommandOptionType.String, value },
	);
	return command(at, "summarize", typed);
}

/** A member's interaction of the mixed traffic: mostly /summarize (of a few popular ranges), some other commands, PINGs. */
export function mixedInteraction(guilds: Guild[], next: () => number): { interaction: { token: string }; summarize: boolean } {
	const guild = guilds[Math.floor(next() * guilds.length)];
	// Channels by popularity: the first is read most.
	const channel = guild.channels[Math.min(guild.channels.length - 1, Math.floor(next() ** 2 * guild.channels.length))];
	const at = where(guild, channel, `${800_000 + Math.floor(next() * 20)}`);
	const roll = next();
	if (roll < 0.1) return { interaction: ping(), summarize: false };
	if (roll < 0.7) {
		const options: Record<string, number | string> =
			next() < 0.75 ? {} : next() < 0.6 ? { messages: next() < 0.5 ? 50 : 200 } : { since: "1h" };
		return { interaction: summarizeIn(at, options), summarize: true };
	}
	if (roll < 0.8) return { interaction: command(at, "help"), summarize: false };
	if (roll < 0.88)
		return {
			interaction: command(at, "privacy", [{ name: "action", type: ApplicationCommandOptionType.String, value: "status" }]),
			summarize: false,
		};
	if (roll < 0.94) return { interaction: command(at, "stats"), summarize: false };
	return { interaction: command(at, "summaries"), summarize: false };
}

const DENIED = /<t:\d+:R>/;
/** Discord gives up on an interaction not answered within 3 s. */
const DISCORD_DEADLINE_MS = 3000;

/** Interactions sent in one phase of the soak, and what they got. */
export class Ledger {
	readonly deferred: string[] = [];
	/** Deferred /summarize among them: jobs admitted (or joined to one). */
	readonly jobs: string[] = [];
	readonly counts = { sent: 0, immediate: 0, deferred: 0, denied: 0, http_5xx: 0, http_other_errors: 0, over_3s: 0 };
	private readonly latencies: number[] = [];

	async send(bot: Bot, interaction: { token: string }, isSummarize: boolean): Promise<void> {
		this.counts.sent++;
		let result: Awaited<ReturnType<typeof send>>;
		try {
			result = await send(bot, interaction);
		} catch {
			this.counts.http_other_errors++;
			return;
		}
		this.latencies.push(result.ms);
		if (result.ms > DISCORD_DEADLINE_MS) this.counts.over_3s++;
		if (result.status >= 500) this.counts.http_5xx++;
		else if (result.status !== 200 || !("type" in result.answer)) this.counts.http_other_errors++;
		else if (result.answer.type === InteractionResponseType.DeferredChannelMessageWithSource) {
			this.counts.deferred++;
			this.deferred.push(interaction.token);
			if (isSummarize) this.jobs.push(interaction.token);
		} else if (result.answer.type === InteractionResponseType.ChannelMessageWithSource && DENIED.test(result.answer.data.content ?? ""))
			this.counts.denied++;
		else this.counts.immediate++;
	}

	latency() {
		const sorted = [...this.latencies].sort((a, b) => a - b);
		return {
			p50_ms: Math.round(percentile(sorted, 50)),
			p99_ms: Math.round(percentile(sorted, 99)),
			max_ms: Math.round(sorted.at(-1) ?? 0),
		};
	}

	/** Waits for every deferred interaction's reply (up to `timeoutMs`), then counts what became of them. */
	async settle(bot: Bot, timeoutMs: number) {
		const found = await drain(bot.emulator, this.deferred, timeoutMs);
		const jobs = tally(found, this.jobs);
		const jobTokens = new Set(this.jobs);
		const others = tally(
			found,
			this.deferred.filter((token) => !jobTokens.has(token)),
		);
		return {
			...this.counts,
			...this.latency(),
			admitted: this.jobs.length,
			delivered: jobs.delivered,
			by_fallback: jobs.by_fallback,
			told_user: jobs.told_user,
			lost: jobs.lost + others.lost,
			duplicated: jobs.duplicated + others.duplicated,
			other_deferred_answered: others.answered + others.told_user + others.delivered,
		};
	}
}

/** Calls `tick` `perSecond` times a second for `seconds` (without waiting for each), then waits for all of them. */
export async function steady(perSecond: number, seconds: number, tick: (i: number) => Promise<void>): Promise<void> {
	const started = performance.now();
	const running = new Set<Promise<void>>();
	for (let i = 0; i < perSecond * seconds; i++) {
		const wait = started + (i * 1000) / perSecond - performance.now();
		if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
		const call = tick(i);
		running.add(call);
		void call.finally(() => running.delete(call));
	}
	await Promise.all(running);
}
