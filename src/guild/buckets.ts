// The guild's and its members' rate-limit buckets (token-bucket.ts), one stored time each.
import type { Expiring } from "./storage";
import { type BucketRule, charge, giveBack, take } from "./token-bucket";

export type Denial = { scope: "guild" | "user"; retryAt: number };
type Rules = { guild: BucketRule; user: BucketRule };

export class Buckets implements Expiring {
	constructor(private readonly sql: SqlStorage) {}

	/** Takes `cost` tokens from each bucket (at most its capacity), or none when either has too few. */
	takeBoth(rules: Rules, userId: string, now: number, cost = 1): Denial | null {
		const names = { guild: "guild", user: `user:${userId}` };
		const guild = take(this.tat(names.guild), rules.guild, now, cost);
		const user = take(this.tat(names.user), rules.user, now, cost);
		if (!guild.ok || !user.ok) {
			const retryAt = Math.max(guild.ok ? 0 : guild.retryAt, user.ok ? 0 : user.retryAt);
			return { scope: !guild.ok && guild.retryAt === retryAt ? "guild" : "user", retryAt };
		}
		this.setTat(names.guild, guild.tat);
		this.setTat(names.user, user.tat);
		return null;
	}

	/** Gives back what `takeBoth` took, for a request that could not be started. */
	giveBackBoth(rules: Rules, userId: string, cost = 1): void {
		for (const [name, rule] of this.named(rules, userId)) {
			const tat = this.tat(name);
			if (tat !== undefined) this.setTat(name, giveBack(tat, rule, cost));
		}
	}

	/** Charges both buckets `cost` more tokens for work already done: they may be left empty, not in deeper debt. */
	chargeBoth(rules: Rules, userId: string, now: number, cost: number): void {
		for (const [name, rule] of this.named(rules, userId)) this.setTat(name, charge(this.tat(name), rule, now, cost));
	}

	expire(now: number): void {
		this.sql.exec("DELETE FROM buckets WHERE tat <= ?", now);
	}

	/** A bucket is worth keeping until it is full again. */
	nextExpiry(): number | null {
		return this.sql.exec<{ at: number | null }>("SELECT MAX(tat) AS at FROM buckets").one().at;
	}

	private named(rules: Rules, userId: string): [string, BucketRule][] {
		return [
			["guild", rules.guild],
			[`user:${userId}`, rules.user],
		];
	}

	private tat(name: string): number | undefined {
		return this.sql.exec<{ tat: number }>("SELECT tat FROM buckets WHERE name = ?", name).toArray()[0]?.tat;
	}

	private setTat(name: string, tat: number): void {
		this.sql.exec("INSERT OR REPLACE INTO buckets (name, tat) VALUES (?, ?)", name, tat);
	}
}
