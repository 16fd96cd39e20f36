// Discord message objects for tests, shaped as the REST API returns them.
import type { APIMessage, APIUser } from "discord-api-types/v10";
import { snowflakeAt } from "../../src/domain/snowflake";
import { messageObject } from "../stand-ins/discord-messages";

export const T0 = Date.UTC(2026, 10, 22, 9);

export function user(name: string, extra: Partial<APIUser> = {}): APIUser {
	return {
		id: String(1000 + ([...name].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) % 100_000)),
		username: name,
		global_name: null,
		discriminator: "0",
		avatar: null,
		...extra,
	};
}

/** A message `minutes` after T0. */
export function message(author: APIUser, content: string, minutes: number, extra: Partial<APIMessage> = {}): APIMessage {
	return messageAt(author, content, T0 + minutes * 60_000, extra);
}

let sequence = 0n;
/** A message sent at `time` (ms since the epoch), its id of that moment. */
export function messageAt(author: APIUser, content: string, time: number, extra: Partial<APIMessage> = {}): APIMessage {
	return messageObject({
		id: (snowflakeAt(time) + (sequence++ % 4096n)).toString(),
		channel_id: "42",
		author,
		content,
		timestamp: new Date(time).toISOString(),
		...extra,
	});
}
