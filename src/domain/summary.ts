// What a summarizer produces, whichever one ran: points that cite the lines (see line.ts) they rest on.

export interface Cited {
	text: string;
	/** Indices of the lines this rests on. */
	sources: number[];
}

export interface ActionItem extends Cited {
	/** Who is to do it, as named in the conversation; null when nobody was named. */
	owner: string | null;
}

export interface Summary {
	/** The model that wrote it, or "extractive" for the built-in summarizer. */
	model: string;
	points: Cited[];
	actionItems: ActionItem[];
	/** Who took part, most active first. */
	participants: { name: string; messages: number }[];
	/** Links that appeared in the messages, in order of first appearance. */
	links: string[];
	usage: { tokensIn: number; tokensOut: number };
	/**
	 * The range's newest messages, when the LLM has not summarized them (coverage.ts): how many, and the
	 * extractive summarizer's pick of them, quoted as written.
	 */
	newest?: { messages: number; points: Cited[] };
}

/** A cited item as kept: line numbers differ between ranges, so it cites messages by id. */
export type Kept<T extends Cited> = Omit<T, "sources"> & { sources: string[] };

/** What the LLM said of a span of messages: every message from `firstId` to `lastId` was in what it read. */
export interface Span {
	firstId: string;
	lastId: string;
	/** Most important first, as the model wrote them. */
	points: Kept<Cited>[];
	actionItems: Kept<ActionItem>[];
}
