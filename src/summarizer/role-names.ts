// Names for the roles a range mentions. A message carries only a role's id (`<@&id>`), and every member
// sees role names in Discord's client, so the summary may name them too. Channel mentions stay
// `#channel`: the bot may see private channels whose names the member who asked may not.
import type { APIMessage, RESTGetAPIGuildRolesResult } from "discord-api-types/v10";
import { IsolateCache } from "../lib/isolate-cache";
import { log, reason } from "../lib/log";

const ROLE_MENTION = /<@&\d+>/;
/** A busy guild's jobs share one answer for a minute (IsolateCache's lifetime): role names rarely change. */
const recent = new IsolateCache<ReadonlyMap<string, string>>();

/** One request, only when some message mentions a role; without names (logged) if Discord won't say. */
export async function roleNames(
	guildId: string,
	messages: APIMessage[],
	get: <T>(path: string) => Promise<T>,
	now = Date.now(),
): Promise<ReadonlyMap<string, string> | undefined> {
	if (!messages.some((message) => ROLE_MENTION.test(message.content ?? ""))) return undefined;
	const known = recent.get(guildId, now);
	if (known) return known;
	try {
		const roles = await get<RESTGetAPIGuildRolesResult>(`/guilds/${guildId}/roles`);
		const names = new Map(roles.map((role) => [role.id, role.name]));
		recent.put(guildId, names, Number.POSITIVE_INFINITY, now);
		return names;
	} catch (error) {
		log({ event: "roles.unavailable", guild: guildId, reason: reason(error) });
		return undefined;
	}
}
