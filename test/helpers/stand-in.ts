// Reads what the Discord stand-in (test/stand-ins/discord.ts) received from the Worker.
import type { APIMessage } from "discord-api-types/v10";
import { vi } from "vitest";
import type { RecordedEdit } from "../stand-ins/discord-emulator";

export async function editsFor(token: string): Promise<RecordedEdit[]> {
	const edits: RecordedEdit[] = await (await fetch("http://discord.test/__records")).json();
	return edits.filter((edit) => edit.token === token);
}

const PROGRESS = /^(Reading messages|Summarizing)/;

/** What the bot delivered to an interaction: its webhook calls, less progress updates. */
export async function resultsFor(token: string): Promise<RecordedEdit[]> {
	return (await editsFor(token)).filter((edit) => !PROGRESS.test((edit.body as { content?: string }).content ?? ""));
}

/**
 * The first result delivered to a deferred interaction, waited for: the answer comes from the Worker's
 * `waitUntil`, which a loaded machine may take seconds to run.
 */
export async function firstResult(token: string): Promise<RecordedEdit> {
	const [result] = await vi.waitUntil(
		async () => {
			const found = await resultsFor(token);
			return found.length ? found : false;
		},
		{ timeout: 10_000, interval: 20 },
	);
	return result;
}

/** Puts a channel with these messages in the Discord emulator. */
export async function seedChannel(
	id: string,
	messages: APIMessage[],
	rateLimit?: { limit: number; windowMs: number },
	threadMembers?: string[],
): Promise<void> {
	const response = await fetch("http://discord.test/__emulator/channels", {
		method: "POST",
		body: JSON.stringify({ id, messages, rateLimit, threadMembers }),
	});
	if (!response.ok) throw new Error(`seeding failed: ${response.status}`);
}

/** The next `times` requests whose path contains `path` fail with `status`. */
export async function injectFault(path: string, status: number, times = 1): Promise<void> {
	await fetch("http://discord.test/__emulator/faults", { method: "POST", body: JSON.stringify({ path, status, times }) });
}
