// The guild the playground runs in: a team's server with busy and quiet channels, a thread, an
// announcements channel and one the bot was never given access to; the person at the keyboard is
// alice, a moderator (Manage Server, not Administrator, so permission checks still apply).
import { type APIUser, ChannelType, PermissionFlagsBits } from "discord-api-types/v10";
import type { EmulatedGuild } from "../../test/stand-ins/discord-emulator.ts";

export interface PlaygroundChannel {
	id: string;
	name: string;
	type: ChannelType;
	parent_id?: string;
	topic?: string;
	/** The member's and the bot's permissions there, as Discord computes them for interactions. */
	memberPermissions: string;
	botPermissions: string;
}

export interface PlaygroundGuild extends EmulatedGuild {
	channels: PlaygroundChannel[];
	/** Who sends the interactions. */
	member: APIUser;
}

const bits = (...flags: bigint[]) => flags.reduce((all, flag) => all | flag, 0n).toString();
const P = PermissionFlagsBits;
const MEMBER = bits(
	P.ViewChannel,
	P.SendMessages,
	P.ReadMessageHistory,
	P.EmbedLinks,
	P.AttachFiles,
	P.AddReactions,
	P.UseApplicationCommands,
	P.ManageGuild,
);
const MEMBER_READ_ONLY = bits(P.ViewChannel, P.ReadMessageHistory, P.AddReactions, P.UseApplicationCommands, P.ManageGuild);
/** What the README's invite link grants. */
const BOT = bits(P.ViewChannel, P.ReadMessageHistory, P.SendMessages, P.EmbedLinks);

/** How many messages each channel gets, and how far apart. */
const HISTORY: Record<string, { count: number; spacingMs: number }> = {
	general: { count: 1500, spacingMs: 60_000 },
	engineering: { count: 3000, spacingMs: 30_000 },
	"release-friday": { count: 150, spacingMs: 90_000 },
	random: { count: 400, spacingMs: 300_000 },
	announcements: { count: 40, spacingMs: 86_400_000 / 4 },
	"leads-private": { count: 200, spacingMs: 120_000 },
};

// Ids the generated messages mention: <#600000000000000001> and <@&700000000000000001> (see discord-messages.ts).
export const PLAYGROUND_GUILD: PlaygroundGuild = {
	id: "500000000000000001",
	name: "Acme Team",
	member: { id: "900000000000000000", username: "alice", global_name: "Alice", discriminator: "0", avatar: null },
	roles: [
		{ id: "700000000000000001", name: "leads", color: 0xe67e22 },
		{ id: "700000000000000002", name: "moderators", color: 0x2ecc71 },
	],
	channels: [
		{
			id: "600000000000000001",
			name: "general",
			type: ChannelType.GuildText,
			topic: "Everything, really",
			memberPermissions: MEMBER,
			botPermissions: BOT,
		},
		{
			id: "600000000000000002",
			name: "engineering",
			type: ChannelType.GuildText,
			topic: "Releases, migrations, on-call",
			memberPermissions: MEMBER,
			botPermissions: BOT,
		},
		{
			id: "600000000000000003",
			name: "release-friday",
			type: ChannelType.PublicThread,
			parent_id: "600000000000000002",
			memberPermissions: MEMBER,
			botPermissions: BOT,
		},
		{ id: "600000000000000004", name: "random", type: ChannelType.GuildText, memberPermissions: MEMBER, botPermissions: BOT },
		{
			id: "600000000000000005",
			name: "announcements",
			type: ChannelType.GuildAnnouncement,
			topic: "Read-only for most of us",
			memberPermissions: MEMBER_READ_ONLY,
			botPermissions: BOT,
		},
		// The bot was never added to this channel's permission overwrites.
		{
			id: "600000000000000006",
			name: "leads-private",
			type: ChannelType.GuildText,
			topic: "Summary Bot can't see this one",
			memberPermissions: MEMBER,
			botPermissions: "0",
		},
	],
};

/** Fills the emulator with the guild and its history; `scale` shrinks or grows every channel's history. */
export async function seedGuild(emulatorUrl: string, guild: PlaygroundGuild, scale = 1): Promise<void> {
	const now = Date.now();
	await Promise.all(
		guild.channels.map(async (channel, i) => {
			const history = HISTORY[channel.name] ?? { count: 100, spacingMs: 60_000 };
			const generate = {
				count: Math.max(2, Math.round(history.count * scale)),
				seed: i + 1,
				spacingMs: history.spacingMs,
				endTime: now - 60_000,
			};
			const response = await fetch(`${emulatorUrl}/__emulator/channels`, {
				method: "POST",
				body: JSON.stringify({ id: channel.id, generate }),
			});
			if (!response.ok) throw new Error(`seeding #${channel.name} failed: ${response.status}`);
		}),
	);
	const response = await fetch(`${emulatorUrl}/__emulator/guilds`, { method: "POST", body: JSON.stringify(guild) });
	if (!response.ok) throw new Error(`seeding the guild failed: ${response.status}`);
}
