// Reads what the Discord stand-in (test/stand-ins/discord.ts) received from the Worker.
import type { RecordedEdit } from "../stand-ins/discord-emulator";

export async function editsFor(token: string): Promise<RecordedEdit[]> {
	const edits: RecordedEdit[] = await (await fetch("http://discord.test/__records")).json();
	return edits.filter((edit) => edit.token === token);
}
