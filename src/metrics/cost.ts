// Estimated cost of a summary, in micro-USD (integers add up exactly in D1 and Analytics Engine).
// An estimate: cached input tokens and batch discounts are not known here, so it errs on the high
// side. A model without a known price costs "unknown", never a guessed number.

/**
 * USD per million tokens, OpenAI's standard tier, from OpenAI's pricing page
 * (https://platform.openai.com/docs/pricing) as listed in March 2026. Re-check when prices change:
 * a wrong entry makes every estimate wrong, a missing one only makes it "unknown".
 */
const PRICES: Record<string, { input: number; output: number }> = {
	"gpt-5": { input: 1.25, output: 10 },
	"gpt-5-mini": { input: 0.25, output: 2 },
	"gpt-5-nano": { input: 0.05, output: 0.4 },
	"gpt-4.1": { input: 2, output: 8 },
	"gpt-4.1-mini": { input: 0.4, output: 1.6 },
	"gpt-4.1-nano": { input: 0.1, output: 0.4 },
	"gpt-4o": { input: 2.5, output: 10 },
	"gpt-4o-mini": { input: 0.15, output: 0.6 },
	o3: { input: 2, output: 8 },
	"o3-mini": { input: 1.1, output: 4.4 },
	"o4-mini": { input: 1.1, output: 4.4 },
	"gpt-3.5-turbo": { input: 0.5, output: 1.5 },
	/** The built-in summarizer runs in the Worker: no tokens are bought. */
	extractive: { input: 0, output: 0 },
};

/** A dated snapshot ("gpt-4o-mini-2024-07-18") costs what its model costs. */
const SNAPSHOT = /-\d{4}-\d{2}-\d{2}$/;

/**
 * Micro-USD for one request, or undefined when the model's price is unknown. Rounded up, so a
 * priced request with tokens never shows as free (0 means "no tokens bought" or "unknown").
 */
export function estimateCostMicroUsd(model: string | undefined, tokensIn: number, tokensOut: number): number | undefined {
	if (!tokensIn && !tokensOut) return 0;
	const name = (model ?? "").trim().toLowerCase();
	const price = PRICES[name] ?? PRICES[name.replace(SNAPSHOT, "")];
	if (!price) return undefined;
	// USD per million tokens × tokens = micro-USD. In whole micro-USD per million tokens the sum is an
	// exact integer, so 100 tokens at $0.07 cost 7, not the 8 that floating point would round up to.
	const perMillion = (usd: number) => Math.round(usd * 1_000_000);
	return Math.ceil((tokensIn * perMillion(price.input) + tokensOut * perMillion(price.output)) / 1_000_000);
}

/** "$0.0123"; "—" when none of the tokens had a known price; "≥ $x" when only some had. */
export function formatCost(costMicroUsd: number, unpricedTokens: number): string {
	if (unpricedTokens > 0 && costMicroUsd === 0) return "—";
	// Rounded in integers first: toFixed alone turns 1450 micro-USD into $0.0014, 0.00145 being 0.0014499… in binary.
	const text =
		costMicroUsd < 1_000_000
			? `$${(Math.round(costMicroUsd / 100) / 10_000).toFixed(4)}`
			: `$${(Math.round(costMicroUsd / 10_000) / 100).toFixed(2)}`;
	return unpricedTokens > 0 ? `≥ ${text}` : text;
}
