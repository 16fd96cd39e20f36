// Benchmark of compaction: CPU time to compact 10,000 generated messages (target: under 50 ms), and
// tokens per 1,000 messages after compaction against a naive `author: content` rendering (naiveRender
// shows attachments as their URLs, `token_ratio_content_only` leaves them out), with where the compacted
// tokens go; the former ratio target (≤ 0.6×) is retired for the cache's tokens against a naive bot. Prints one JSON line. Run: npm run bench:compaction
import { cpuUsage } from "node:process";
import type { Line } from "../src/domain/line.ts";
import { compact, naiveRender, renderLine } from "../src/summarizer/compact.ts";
import { countTokens } from "../src/summarizer/tokens.ts";
import { generateMessages } from "../test/stand-ins/discord-messages.ts";
import { report } from "./harness.ts";

const messages = generateMessages({ channelId: "1", count: 10_000, seed: 7, endTime: Date.UTC(2026, 10, 22) });

function cpuMs(work: () => void): number {
	const before = cpuUsage();
	work();
	const used = cpuUsage(before);
	return (used.user + used.system) / 1000;
}

// Warm up the JIT, then take the best of a few runs: the machine is shared.
for (let i = 0; i < 3; i++) compact(messages);
const runs = Array.from({ length: 5 }, () => cpuMs(() => compact(messages))).sort((a, b) => a - b);
let lines: Line[] = [];
let tokens = 0;
const countingMs = cpuMs(() => {
	lines = compact(messages);
	tokens = lines.reduce((sum, line) => sum + countTokens(renderLine(line)) + 1, 0);
});

const rendered = (some: Line[]) => countTokens(some.map(renderLine).join("\n"));
const thousand = messages.slice(0, 1000);
const thousandLines = compact(thousand);
const compacted = rendered(thousandLines);
const naive = countTokens(naiveRender(thousand));
const naiveContentOnly = countTokens(naiveRender(thousand.map((message) => ({ ...message, attachments: [] }))));

// What each element of the compacted text costs: the tokens saved by leaving it out.
const ELEMENTS: Record<string, (line: Line) => string> = {
	line_numbers: (line) => `${line.author}: ${line.text}`,
	author_names_and_colons: (line) => `${line.index} ${line.text}`,
	merge_separators: (line) => renderLine({ ...line, text: line.text.replaceAll(" / ", " ") }),
	reply_marks: (line) => renderLine({ ...line, text: line.text.replace(/(?:>>\d+|↪ [^:]{1,64}:) /g, "") }),
	mentions: (line) => renderLine({ ...line, text: line.text.replace(/(?<!\S)@\S+ ?/g, "") }),
	channels: (line) => renderLine({ ...line, text: line.text.replace(/(?<!\S)#\S+ ?/g, "") }),
	emoji: (line) => renderLine({ ...line, text: line.text.replace(/:[\w~-]+: ?/g, "") }),
	links: (line) => renderLine({ ...line, text: line.text.replace(/https?:\/\/\S+ ?/g, "") }),
	attachments: (line) => renderLine({ ...line, text: line.text.replace(/ ?\[(?:image|video|file|sticker)(?::[^\]]*)?\]/g, "") }),
	cut_marks: (line) => renderLine({ ...line, text: line.text.replace(" …[cut]", "") }),
};
const byElement: Record<string, number> = { line_breaks: thousandLines.length - 1 };
for (const [name, without] of Object.entries(ELEMENTS)) byElement[name] = compacted - countTokens(thousandLines.map(without).join("\n"));
byElement.words = compacted - Object.values(byElement).reduce((sum, n) => sum + n, 0);

report("compaction", {
	messages: messages.length,
	lines: lines.length,
	compact_cpu_ms_best: Number(runs[0].toFixed(2)),
	compact_cpu_ms_median: Number(runs[2].toFixed(2)),
	compact_and_count_tokens_cpu_ms: Number(countingMs.toFixed(2)),
	tokens_10k: tokens,
	token_ratio_10k: Number((tokens / countTokens(naiveRender(messages))).toFixed(3)),
	tokens_per_1000_messages: compacted,
	naive_tokens_per_1000_messages: naive,
	token_ratio: Number((compacted / naive).toFixed(3)),
	token_ratio_content_only: Number((compacted / naiveContentOnly).toFixed(3)),
	tokens_per_1000_by_element: byElement,
});
