// Whether a permission bitfield, as Discord sends it in an interaction, allows reading a channel's history.
import { PermissionFlagsBits } from "discord-api-types/v10";

const NEEDED_TO_READ = [
	["View Channel", PermissionFlagsBits.ViewChannel],
	["Read Message History", PermissionFlagsBits.ReadMessageHistory],
] as const;

/** Names of the permissions missing to read history; Administrator passes; an absent bitfield lacks everything. */
export function missingToRead(permissions: string | undefined): string[] {
	const bits = permissions && /^\d+$/.test(permissions) ? BigInt(permissions) : 0n;
	if ((bits & PermissionFlagsBits.Administrator) !== 0n) return [];
	return NEEDED_TO_READ.filter(([, flag]) => (bits & flag) === 0n).map(([name]) => name);
}

export function listNames(names: string[]): string {
	return names.map((name) => `**${name}**`).join(" and ");
}
