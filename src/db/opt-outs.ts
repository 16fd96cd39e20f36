// Members who opted out of summaries (/privacy), per guild.
import { and, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { memberOptOuts } from "./schema";

export interface Member {
	guildId: string;
	userId: string;
}

export async function optedOutMembers(db: DrizzleD1Database, guildId: string): Promise<Set<string>> {
	const rows = await db.select({ userId: memberOptOuts.userId }).from(memberOptOuts).where(eq(memberOptOuts.guildId, guildId));
	return new Set(rows.map((row) => row.userId));
}

function isMember(member: Member) {
	return and(eq(memberOptOuts.guildId, member.guildId), eq(memberOptOuts.userId, member.userId));
}

export async function isOptedOut(db: DrizzleD1Database, member: Member): Promise<boolean> {
	return (await db.select().from(memberOptOuts).where(isMember(member))).length > 0;
}

export async function optOut(db: DrizzleD1Database, member: Member): Promise<void> {
	await db
		.insert(memberOptOuts)
		.values({ ...member, createdAt: new Date() })
		.onConflictDoNothing();
}

export async function optIn(db: DrizzleD1Database, member: Member): Promise<void> {
	await db.delete(memberOptOuts).where(isMember(member));
}
