// What a permission bitfield, as Discord sends it in an interaction, allows: reading a channel's history,
// posting a digest in it, managing the server.
import { PermissionFlagsBits } from "discord-api-types/payloads/v10";

type Needed = readonly (readonly [name: string, flag: bigint])[];

const NEEDED_TO_READ = [
	["View Channel", PermissionFlagsBits.ViewChannel],
	["Read Message History", PermissionFlagsBits.ReadMessageHistory],
] as const;

const NEEDED_TO_SEND = [
	["Send Messages", PermissionFlagsBits.SendMessages],
	["Embed Links", PermissionFlagsBits.EmbedLinks],
] as const;
/** A digest reads its channel and posts the summary there as embeds. */
const NEEDED_TO_POST = [...NEEDED_TO_READ, ...NEEDED_TO_SEND] as const;

const NEEDED_TO_MANAGE = [["Manage Server", PermissionFlagsBits.ManageGuild]] as const;

/** Names of the permissions missing; Administrator passes; an absent bitfield lacks everything. */
function missing(permissions: string | undefined, needed: Needed): string[] {
	const bits = permissions && /^\d+$/.test(permissions) ? BigInt(permissions) : 0n;
	if ((bits & PermissionFlagsBits.Administrator) !== 0n) return [];
	return needed.filter(([, flag]) => (bits & flag) === 0n).map(([name]) => name);
}

export const missingToRead = (permissions: string | undefined) => missing(permissions, NEEDED_TO_READ);
export const missingToPost = (permissions: string | undefined) => missing(permissions, NEEDED_TO_POST);
export const missingToManage = (permissions: string | undefined) => missing(permissions, NEEDED_TO_MANAGE);
/** Manage Threads reads every thread of its channel, private ones too. */
export const canManageThreads = (permissions: string | undefined) =>
	missing(permissions, [["Manage Threads", PermissionFlagsBits.ManageThreads]]).length === 0;

/** The permissions a step needs, by name: for explaining a refusal that doesn't say which one was missing. */
export const PERMISSION_NAMES = { read: NEEDED_TO_READ.map(([name]) => name), send: NEEDED_TO_SEND.map(([name]) => name) };

export function listNames(names: readonly string[]): string {
	if (names.length <= 2) return names.map((name) => `**${name}**`).join(" and ");
	return `${names
		.slice(0, -1)
		.map((name) => `**${name}**`)
		.join(", ")} and **${names.at(-1)}**`;
}
