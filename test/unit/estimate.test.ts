// The estimate shown before a large range runs: its arithmetic, the size a newest page suggests, and how
// it reads.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { confirmation } from "../../src/discord/confirm";
import { ESTIMATE_BASIS, estimateRun, messagesByPace } from "../../src/domain/estimate";
import { LLM_CALLS } from "../../src/domain/limits";

describe("estimateRun", () => {
	it("counts a call per window of conversation, with its instructions and answer, and the calls' rounds in time", () => {
		const estimate = estimateRun(10_000, true);
		const conversation = 10_000 * ESTIMATE_BASIS.tokensPerMessage;
		const calls = Math.ceil(conversation / LLM_CALLS.windowTokens);
		expect(calls).toBe(13);
		expect(estimate).toEqual({
			messages: 10_000,
			tokensIn: conversation + calls * ESTIMATE_BASIS.promptTokensPerCall,
			tokensOut: calls * ESTIMATE_BASIS.answerTokensPerCall,
			// 5 s of reading, and 13 calls four at a time: four rounds of 10 s.
			seconds: 45,
		});
	});

	it("buys no tokens without an LLM", () => {
		expect(estimateRun(5000, false)).toEqual({ messages: 5000, tokensIn: 0, tokensOut: 0, seconds: 3 });
	});
});

describe("messagesByPace", () => {
	const PAGE = 100;
	// A channel's message times, newest first, and a range [since, until] that ends at its newest.
	const channels = fc.array(fc.integer({ min: 1, max: 10 * 60_000 }), { minLength: 0, maxLength: 400 }).map((gaps) => {
		let time = 1_000_000_000;
		return gaps.map((gap) => {
			time -= gap;
			return { time };
		});
	});

	test.prop([channels, fc.integer({ min: 1, max: 2_000_000_000 }), fc.integer({ min: 1, max: 10_000 })])(
		"is exact when the newest page holds the range's start or the whole channel, and never under the page otherwise",
		(messages, span, cap) => {
			const until = messages[0]?.time ?? 1_000_000_000;
			const since = until - span;
			const page = messages.slice(0, PAGE);
			const estimate = messagesByPace(page, PAGE, since, until, cap);
			const exact = messages.filter((message) => message.time >= since).length;
			const pageHoldsStart = page.some((message) => message.time < since) || page.length < PAGE;
			if (pageHoldsStart) expect(estimate).toBe(Math.min(cap, exact));
			else expect(estimate).toBeGreaterThanOrEqual(Math.min(cap, PAGE));
			expect(estimate).toBeLessThanOrEqual(cap);
		},
	);

	it("extrapolates a full page's pace over the whole range", () => {
		// 100 messages a minute apart, the newest at the range's end; the range is 1,000 minutes.
		const page = Array.from({ length: 100 }, (_, i) => ({ time: 1_000_000 * 60_000 - i * 60_000 }));
		const until = page[0].time;
		expect(messagesByPace(page, 100, until - 1000 * 60_000, until, 10_000)).toBe(1010);
		expect(messagesByPace(page, 100, until - 1000 * 60_000, until, 500)).toBe(500);
	});
});

describe("the confirmation", () => {
	const request = { channelId: "42", range: { kind: "count", messages: 8000 } as const, style: "brief" as const, public: false };

	it("gives the messages, tokens, cost at the model's price and time", () => {
		const shown = confirmation(request, estimateRun(8000, true), "gpt-4o-mini");
		expect(shown.content).toContain("about 8,000 messages of <#42>");
		expect(shown.content).toContain("about 129,500 LLM tokens (about $0.0217 at gpt-4o-mini's price) and about 34 s");
		expect(confirmation(request, estimateRun(8000, true), "my-local-model").content).toContain("(unknown price)");
		expect(confirmation(request, estimateRun(8000, false), undefined).content).toContain("no LLM tokens");
	});

	it("offers Summarize as public only in a public message, and says how to share a private one asked public", () => {
		const ids = (shown: ReturnType<typeof confirmation>) =>
			shown.components[0].components.map((button) => ("custom_id" in button ? button.custom_id : ""));
		expect(ids(confirmation(request, estimateRun(8000, false), undefined))).toEqual([
			"summary:confirm:42:n8000:brief",
			"summary:cancel:42:n8000:brief",
		]);
		expect(ids(confirmation({ ...request, public: true }, estimateRun(8000, false), undefined))[0]).toBe(
			"summary:confirm_public:42:n8000:brief",
		);
		expect(confirmation({ ...request, askedPublic: true }, estimateRun(8000, false), undefined).content).toContain("**Post publicly**");
	});
});
