// Names for the roles a range mentions. A message carries only a role's id (`<@&id>`), and every member
// sees role names in Discord's client, so the summary may name them too. Channel mentions stay
// `#channel`: the bot may see private channels whose names the member who asked may not.
import type { APIMessage, RESTGetAPIGuildRolesResult } from "discord-api-types/v10";

const ROLE_MENTION = /<@&\d+>/;

/** One request, only when some message mentions a role; without names (logged) if Discord won't say. */
export async function roleNames(guildId: string, messages: APIMessage[], get: <T>(path: string) => Promise<T>): Promise<ReadonlyMap<string, string> | undefined> {
	if (!messages.some((message) => ROLE_MENTION.test(message.content ?? ""))) return undefined;
	try {
		const roles = await get<RESTGetAPIGuildRolesResult>(`/guilds/${guildId}/roles`);
		return new Map(roles.map((role) => [role.id, role.name]));
	} catch (error) {
		console.error(JSON.stringify({ event: "roles.unavailable", guild: guildId, reason: String(error) }));
		return undefined;
	}
}
