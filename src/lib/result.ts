// The one shape of "a value, or why there is none": parsers return it instead of throwing, so a bad
// input becomes a clear answer to whoever gave it.

export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E = string>(error: E): { ok: false; error: E } => ({ ok: false, error });
