// Token counts with the tokenizer of the gpt-4o family (o200k_base): budgets are in the model's tokens,
// not guessed from characters.
import { countTokens as count } from "gpt-tokenizer/encoding/o200k_base";

export function countTokens(text: string): number {
	return count(text);
}
