// Daily LLM token budgets: each guild's (DEFAULT_DAILY_LLM_TOKENS unless /config sets another) and,
// when LLM_TOKENS_PER_DAY is set, the bot's overall. A job sets its calls' tokens aside before making
// them and settles to what they cost after, so jobs running at once can't together overspend: each
// reservation is one conditional upsert, which D1 applies atomically.
import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { DEFAULT_DAILY_LLM_TOKENS, type SpentBudget } from "../domain/limits";
import { log, reason } from "../lib/log";
import { DAY_MS } from "../lib/time";
import { guildSettings, llmTokens } from "./schema";

/** The scope of the bot's overall budget: no guild id is a star. */
export const OVERALL_SCOPE = "*";

export interface Budget {
	/** A guild id, or OVERALL_SCOPE. */
	scope: string;
	limit: number;
}

export function utcDay(now: number): number {
	return Math.floor(now / DAY_MS);
}

/** When the budgets' day of `now` ends, and they start again from nothing. */
export function renewsAt(now: number): number {
	return (utcDay(now) + 1) * DAY_MS;
}

/** The budgets a guild's jobs spend from: its own, and the overall one when `overall` (LLM_TOKENS_PER_DAY) is set. */
export async function budgetsOf(db: DrizzleD1Database, guildId: string, overall: string | undefined): Promise<Budget[]> {
	const [row] = await db.select({ limit: guildSettings.llmTokensPerDay }).from(guildSettings).where(eq(guildSettings.guildId, guildId));
	const budgets = [{ scope: guildId, limit: row?.limit ?? DEFAULT_DAILY_LLM_TOKENS }];
	const overallLimit = parseLimit(overall);
	if (overallLimit === undefined) return budgets;
	// A limit the operator mistyped spends nothing rather than everything: the summaries are extractive.
	return [...budgets, { scope: OVERALL_SCOPE, limit: overallLimit === "invalid" ? 0 : overallLimit }];
}

/** What the operator is told when LLM_TOKENS_PER_DAY is neither unset nor a number of tokens. */
export const INVALID_OVERALL_LIMIT = "LLM_TOKENS_PER_DAY must be a whole number of tokens, 0 or more, or unset";

/** LLM_TOKENS_PER_DAY as a number of tokens; unset or blank: no overall budget; "invalid" for anything else. */
export function parseLimit(value: string | undefined): number | undefined | "invalid" {
	if (value === undefined || value.trim() === "") return undefined;
	const limit = Number(value);
	return Number.isSafeInteger(limit) && limit >= 0 ? limit : "invalid";
}

/** Adds `tokens` to `budget`'s day unless that would pass its limit; says whether it did. */
async function take(db: DrizzleD1Database, budget: Budget, day: number, tokens: number): Promise<boolean> {
	if (tokens > budget.limit) return false;
	const taken = await db
		.insert(llmTokens)
		.values({ scope: budget.scope, day, used: tokens })
		.onConflictDoUpdate({
			target: [llmTokens.scope, llmTokens.day],
			set: { used: sql`${llmTokens.used} + excluded.used` },
			setWhere: sql`${llmTokens.used} + excluded.used <= ${budget.limit}`,
		})
		.returning({ used: llmTokens.used });
	return taken.length > 0;
}

/** Moves the day's use of each budget by `delta` tokens (never below zero). */
async function adjust(db: DrizzleD1Database, budgets: Budget[], day: number, delta: number): Promise<void> {
	if (!delta || !budgets.length) return;
	const [first, ...rest] = budgets.map((budget) =>
		db
			.update(llmTokens)
			.set({ used: sql`max(0, ${llmTokens.used} + ${delta})` })
			.where(and(eq(llmTokens.scope, budget.scope), eq(llmTokens.day, day))),
	);
	await db.batch([first, ...rest]);
}

/**
 * Sets `tokens` aside in every budget, or in none: the first budget that can't take them is returned,
 * and what the others took is given back.
 */
export async function reserve(db: DrizzleD1Database, budgets: Budget[], day: number, tokens: number): Promise<SpentBudget | null> {
	const taken: Budget[] = [];
	// What an earlier budget took goes back when a later one refuses or D1 fails; a failed give-back is logged,
	// and the answer stands: a refusal stays a refusal.
	const giveBack = () =>
		adjust(db, taken, day, -tokens).catch((lost: unknown) => log({ event: "d1.write_lost", guild: taken[0]?.scope, reason: reason(lost) }));
	for (const budget of budgets) {
		let took: boolean;
		try {
			took = await take(db, budget, day, tokens);
		} catch (error) {
			await giveBack();
			throw error;
		}
		if (!took) {
			await giveBack();
			return { overall: budget.scope === OVERALL_SCOPE, limit: budget.limit, renewsAt: renewsAt(day * DAY_MS) };
		}
		taken.push(budget);
	}
	return null;
}

/** Tokens spent (and set aside) today from `scope`'s budget. */
export async function usedToday(db: DrizzleD1Database, scope: string, now: number): Promise<number> {
	const [row] = await db
		.select({ used: llmTokens.used })
		.from(llmTokens)
		.where(and(eq(llmTokens.scope, scope), eq(llmTokens.day, utcDay(now))));
	return row?.used ?? 0;
}

/** Today's use of the overall budget, and of the `top` guilds' budgets that are most used, with their limits. */
export async function budgetsToday(
	db: DrizzleD1Database,
	now: number,
	top: number,
): Promise<{ overallUsed: number; guilds: { guildId: string; used: number; limit: number }[] }> {
	const today = eq(llmTokens.day, utcDay(now));
	const [overall, guilds] = await Promise.all([
		usedToday(db, OVERALL_SCOPE, now),
		db
			.select({
				guildId: llmTokens.scope,
				used: llmTokens.used,
				limit: sql<number>`coalesce(${guildSettings.llmTokensPerDay}, ${DEFAULT_DAILY_LLM_TOKENS})`.mapWith(Number),
			})
			.from(llmTokens)
			.leftJoin(guildSettings, eq(guildSettings.guildId, llmTokens.scope))
			.where(and(today, ne(llmTokens.scope, OVERALL_SCOPE)))
			.orderBy(desc(llmTokens.used))
			.limit(top),
	]);
	return { overallUsed: overall, guilds };
}

/**
 * A guild's job's budgets for the summarizer (summarizer/summarize.ts `TokenBudget`), on the day the job
 * started. D1 never fails the job: when it refuses the reservation the calls are made unbudgeted (as
 * before budgets, and logged `d1.write_lost`), and a lost settle only leaves the reservation, an
 * overestimate, counted; neither is retried, as they are not idempotent.
 */
export function jobBudget(db: DrizzleD1Database, guildId: string, overall: string | undefined, now: number) {
	const day = utcDay(now);
	let budgets: Promise<Budget[]> | undefined;
	const ofGuild = () => (budgets ??= budgetsOf(db, guildId, overall));
	const lost = (error: unknown) => log({ event: "d1.write_lost", guild: guildId, reason: reason(error) });
	if (parseLimit(overall) === "invalid") log({ event: "config.invalid", name: "LLM_TOKENS_PER_DAY" });
	let reserved = false;
	return {
		reserve: async (tokens: number) => {
			try {
				const spent = await reserve(db, await ofGuild(), day, tokens);
				reserved = spent === null;
				return spent;
			} catch (error) {
				lost(error);
				return null;
			}
		},
		settle: async (reservation: number, spent: number) => {
			if (!reserved) return;
			await adjust(db, await ofGuild(), day, spent - reservation).catch(lost);
		},
	};
}
