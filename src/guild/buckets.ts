// The guild's and its members' rate-limit buckets (token-bucket.ts), one stored time each.
import type { Expiring } from "./storage";
import { type BucketRule, giveBack, take } from "./token-bucket";

export type Denial = { scope: "guild" | "user"; retryAt: number };

export class Buckets implements Expiring {
	constructor(private readonly sql: SqlStorage) {}

	/** Takes one token from each bucket, or none when either is empty. */
	takeBoth(rules: { guild: BucketRule; user: BucketRule }, userId: string, now: number): Denial | null {
		const names = { guild: "guild", user: `user:${userId}` };
		const guild = take(this.tat(names.guild), rules.guild, now);
		const user = take(this.tat(names.user), rules.user, now);
		if (!guild.ok || !user.ok) {
			const retryAt = Math.max(guild.ok ? 0 : guild.retryAt, user.ok ? 0 : user.retryAt);
			return { scope: !guild.ok && guild.retryAt === retryAt ? "guild" : "user", retryAt };
		}
		this.setTat(names.guild, guild.tat);
		this.setTat(names.user, user.tat);
		return null;
	}

	/** Gives back what `takeBoth` took, for a request that could not be started. */
	giveBackBoth(rules: { guild: BucketRule; user: BucketRule }, userId: string): void {
		this.giveBack("guild", rules.guild);
		this.giveBack(`user:${userId}`, rules.user);
	}

	expire(now: number): void {
		this.sql.exec("DELETE FROM buckets WHERE tat <= ?", now);
	}

	/** A bucket is worth keeping until it is full again. */
	nextExpiry(): number | null {
		return this.sql.exec<{ at: number | null }>("SELECT MAX(tat) AS at FROM buckets").one().at;
	}

	private giveBack(name: string, rule: BucketRule): void {
		const tat = this.tat(name);
		if (tat !== undefined) this.setTat(name, giveBack(tat, rule));
	}

	private tat(name: string): number | undefined {
		return this.sql.exec<{ tat: number }>("SELECT tat FROM buckets WHERE name = ?", name).toArray()[0]?.tat;
	}

	private setTat(name: string, tat: number): void {
		this.sql.exec("INSERT OR REPLACE INTO buckets (name, tat) VALUES (?, ?)", name, tat);
	}
}
