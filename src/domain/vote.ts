// A member's 👍 or 👎 on a summary, and what the votes add up to: the share that found it helpful.
export const VOTES = ["up", "down"] as const;
export type Vote = (typeof VOTES)[number];

export interface VoteCounts {
	up: number;
	down: number;
}

/** 👍 among all votes; null without any, which is no rate rather than 0%. */
export function helpfulRate(counts: VoteCounts): number | null {
	const votes = counts.up + counts.down;
	return votes ? counts.up / votes : null;
}
