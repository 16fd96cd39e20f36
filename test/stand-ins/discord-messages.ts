// Realistic Discord channel history, generated deterministically from a seed at any size: a team
// talking about a few topics, with replies, mentions of members, roles, channels and @everyone,
// custom emoji, attachments, link embeds, bots, joins, bursts and the odd very long message.
import { type APIAttachment, type APIMessage, type APIUser, EmbedType } from "discord-api-types/v10";

const DISCORD_EPOCH = 1_420_070_400_000n;

/** Deterministic pseudo-random numbers (mulberry32), in [0, 1). */
export function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar"];
const TOPICS = [
	"the release on Friday",
	"the staging database migration",
	"the flaky login tests",
	"the new onboarding flow",
	"the Q3 budget",
	"the on-call rota",
	"the API rate limits",
	"the design review",
];
const SAYINGS = [
	"I think we should look at {topic} again before we decide",
	"{mention} can you take a look at {topic} today?",
	"quick update on {topic}: it's mostly done, two open issues left",
	"agreed, let's go with the second option for {topic}",
	"does anyone know who owns {topic}? {emoji}",
	"I'll write up the notes on {topic} and share them by tomorrow",
	"blocked on {topic} until {role} signs off",
	"see {channel} for the discussion about {topic}",
	"lol",
	"+1",
	"nice {emoji}",
	"thanks!",
	"here's the doc for {topic}: https://docs.example.com/{slug}",
	"{everyone} reminder: the meeting about {topic} moved to 3pm",
];

/** A message as the REST API returns it, with Discord's defaults for what `fields` leaves out. */
export function messageObject(fields: Pick<APIMessage, "id" | "channel_id" | "author" | "timestamp"> & Partial<APIMessage>): APIMessage {
	return {
		content: "",
		edited_timestamp: null,
		tts: false,
		mention_everyone: false,
		mentions: [],
		mention_roles: [],
		attachments: [],
		embeds: [],
		pinned: false,
		type: 0,
		...fields,
	};
}

function snowflake(ms: number, sequence: number): string {
	return (((BigInt(ms) - DISCORD_EPOCH) << 22n) | BigInt(sequence % 4096)).toString();
}

// What members attach: mostly pictures named by the phone or the clipboard, now and then a named document.
const FILES = [
	{ name: () => "image.png", type: "image/png" },
	{ name: (i: number) => `Screenshot_2026-11-20_at_14.${String(i % 60).padStart(2, "0")}.png`, type: "image/png" },
	{ name: (i: number) => `IMG_${4000 + (i % 5000)}.jpg`, type: "image/jpeg" },
	{ name: (_: number, topic: string) => `${topic.replace(/^the /, "").replace(/\W+/g, "-")}.pdf`, type: "application/pdf" },
];

/** An attachment as the REST API returns it: signed CDN URLs that expire a day after they are issued. */
function attachment(channelId: string, id: string, i: number, topic: string): APIAttachment {
	const file = FILES[i % FILES.length];
	const filename = file.name(i, topic);
	const issued = Math.floor(Number((BigInt(id) >> 22n) + DISCORD_EPOCH) / 1000);
	const hash = random(i);
	const signature = Array.from({ length: 8 }, () =>
		Math.floor(hash() * 2 ** 32)
			.toString(16)
			.padStart(8, "0"),
	).join("");
	const query = `?ex=${(issued + 86_400).toString(16)}&is=${issued.toString(16)}&hm=${signature}&`;
	const path = `attachments/${channelId}/${id}/${filename}${query}`;
	return {
		id,
		filename,
		content_type: file.type,
		size: 120_000,
		url: `https://cdn.discordapp.com/${path}`,
		proxy_url: `https://media.discordapp.net/${path}`,
	};
}

export interface GenerateOptions {
	channelId: string;
	count: number;
	seed?: number;
	/** Time of the newest message; default now. */
	endTime?: number;
	/** Average time between messages. */
	spacingMs?: number;
}

export function generateMessages(options: GenerateOptions): APIMessage[] {
	const next = random(options.seed ?? 1);
	const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
	const users: APIUser[] = NAMES.map((name, i) => ({
		id: String(900_000_000_000_000_000n + BigInt(i)),
		username: name,
		global_name: name[0].toUpperCase() + name.slice(1),
		discriminator: "0",
		avatar: null,
	}));
	const bot: APIUser = { id: "900000000000000999", username: "deploybot", global_name: null, discriminator: "0", avatar: null, bot: true };
	const spacing = options.spacingMs ?? 45_000;
	const start = (options.endTime ?? Date.now()) - options.count * spacing;
	const messages: APIMessage[] = [];
	let author = users[0];
	for (let i = 0; i < options.count; i++) {
		const time = Math.floor(start + i * spacing + next() * spacing * 0.5);
		// Members often send a few messages in a row.
		if (next() > 0.35) author = users[Math.floor(next() ** 1.5 * users.length)];
		const mentioned = pick(users.filter((user) => user !== author));
		const topic = pick(TOPICS);
		const base = messageObject({ id: snowflake(time, i), channel_id: options.channelId, author, timestamp: new Date(time).toISOString() });
		const roll = next();
		if (roll < 0.04) {
			messages.push({
				...base,
				author: bot,
				content: `Deployment #${i} of main finished in ${Math.floor(next() * 300)}s: https://ci.example.com/runs/${i}`,
			});
			continue;
		}
		if (roll < 0.05) {
			messages.push({ ...base, type: 7, content: "" });
			continue;
		}
		let content = pick(SAYINGS)
			.replace("{topic}", topic)
			.replace("{mention}", `<@${mentioned.id}>`)
			.replace(
				"{emoji}",
				`<:${pick(["thumbsup", "eyes", "tada", "thinking"])}:${800_000_000_000_000_000n + BigInt(Math.floor(next() * 1000))}>`,
			)
			.replace("{role}", "<@&700000000000000001>")
			.replace("{channel}", "<#600000000000000001>")
			.replace("{slug}", topic.replace(/\W+/g, "-"))
			.replace("{everyone}", "@everyone");
		// The odd long write-up, up to Discord's limit of 2,000 characters.
		if (roll > 0.995) content += ` ${"Here is the longer story in full detail. ".repeat(10 + Math.floor(((roll - 0.995) / 0.005) * 37))}`;
		const message: APIMessage = {
			...base,
			content,
			mentions: content.includes(`<@${mentioned.id}>`) ? [mentioned] : [],
			mention_roles: content.includes("<@&") ? ["700000000000000001"] : [],
			mention_everyone: content.includes("@everyone"),
		};
		const link = content.match(/https:\/\/\S+/)?.[0];
		if (link)
			message.embeds = [
				{ type: EmbedType.Link, url: link, title: `${topic} — team docs`, description: `Notes and decisions on ${topic}.` },
			];
		if (roll > 0.9 && roll <= 0.95) message.attachments = [attachment(options.channelId, snowflake(time, i + 1), i, topic)];
		if (roll > 0.8 && roll <= 0.85 && messages.length) {
			const target = messages[messages.length - 1 - Math.floor(next() * Math.min(5, messages.length))];
			Object.assign(message, {
				type: 19,
				message_reference: { message_id: target.id, channel_id: options.channelId },
				referenced_message: target,
			});
		}
		messages.push(message);
	}
	return messages;
}
