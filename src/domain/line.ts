// One line of a conversation as the summarizers see it: compacted from Discord messages, numbered
// so that a summary can cite the lines it rests on and the bot can link back to the messages.

export interface Line {
	/** Position in the summarized range, oldest first, from 0: what citations refer to. */
	index: number;
	/** The Discord messages merged into this line (consecutive messages of one author), oldest first. */
	messageIds: string[];
	authorId: string;
	/** The author's display name: server nickname, else global name, else username. */
	author: string;
	/** When the first of its messages was sent, in ms since the epoch. */
	time: number;
	text: string;
}

/** How many Discord messages the lines hold. */
export function messageCount(lines: Line[]): number {
	return lines.reduce((sum, line) => sum + line.messageIds.length, 0);
}
