// Discord's ids are snowflakes: the milliseconds since Discord's epoch, shifted left 22 bits, so an id
// says when it was made, and ids sort as time does.
const DISCORD_EPOCH = 1_420_070_400_000n;

/** The smallest snowflake of a moment: every message sent at or after `ms` has an id at least this. */
export function snowflakeAt(ms: number): bigint {
	return (BigInt(ms) - DISCORD_EPOCH) << 22n;
}

/** When the snowflake `id` was made, in ms since the Unix epoch. */
export function timeOf(id: bigint | string): number {
	return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
