// Benchmark of compaction: CPU time to compact 10,000 generated messages (target: under 50 ms), and
// tokens per 1,000 messages after compaction against a naive `author: content` rendering (target: ≤ 0.6×).
// Prints one JSON line. Run: npm run bench:compaction
import { cpuUsage } from "node:process";
import { compact, naiveRender, renderLine } from "../src/summarizer/compact.ts";
import { countTokens } from "../src/summarizer/tokens.ts";
import { generateMessages } from "../test/stand-ins/discord-messages.ts";
import { report } from "./harness.ts";

const messages = generateMessages({ channelId: "1", count: 10_000, seed: 7, endTime: Date.UTC(2026, 10, 22) });

// Warm up the JIT, then take the best of a few runs: the machine is shared.
for (let i = 0; i < 3; i++) compact(messages);
const runs = Array.from({ length: 5 }, () => {
	const before = cpuUsage();
	compact(messages);
	const used = cpuUsage(before);
	return (used.user + used.system) / 1000;
});

const thousand = messages.slice(0, 1000);
const compacted = countTokens(compact(thousand).map(renderLine).join("\n"));
const naive = countTokens(naiveRender(thousand));
const before = cpuUsage();
const lines = compact(messages);
const tokens = lines.reduce((sum, line) => sum + countTokens(renderLine(line)) + 1, 0);
const countingMs = (cpuUsage(before).user + cpuUsage(before).system) / 1000;

report("compaction", {
	messages: messages.length,
	lines: lines.length,
	compact_cpu_ms_best: Number(Math.min(...runs).toFixed(2)),
	compact_cpu_ms_median: Number(runs.sort((a, b) => a - b)[2].toFixed(2)),
	compact_and_count_tokens_cpu_ms: Number(countingMs.toFixed(2)),
	tokens_10k: tokens,
	tokens_per_1000_messages: compacted,
	naive_tokens_per_1000_messages: naive,
	token_ratio: Number((compacted / naive).toFixed(3)),
});
