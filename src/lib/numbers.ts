// Counts as people read them in English: 12,345.

/**
 * `value` with its digits grouped by thousands, as `toLocaleString("en-US")` writes an integer, without it: the
 * first use of a locale in an isolate loads ICU's data, about 30 ms of CPU, which a cold isolate answering an
 * interaction should not pay to write a number (README, "Performance and reliability").
 */
export function thousands(value: number): string {
	return String(value).replace(/^(-?)(\d+)/, (_, sign: string, digits: string) => sign + digits.replace(/\B(?=(\d{3})+$)/g, ","));
}
