// Who may see /admin: a caller with `Authorization: Bearer $ADMIN_TOKEN`, or a browser holding the
// session cookie the login form set. The cookie holds an expiry and an HMAC of it keyed by the token,
// never the token: a leaked cookie expires, and changing ADMIN_TOKEN ends every session.
import { fromHex, toHex } from "../lib/hex";
import { HOUR_S, SECOND_MS } from "../lib/time";

const encoder = new TextEncoder();
const COOKIE = "__Host-admin_session";
export const SESSION_SECONDS = 12 * HOUR_S;
/**
 * HttpOnly: no script reads it; Secure + __Host-: set only over HTTPS (or localhost), for this host only;
 * Strict: never sent cross-site.
 */
const ATTRIBUTES = "Path=/; HttpOnly; Secure; SameSite=Strict";
const SESSION = new RegExp(`(?:^|;\\s*)${COOKIE}=(\\d{1,12})\\.([0-9a-f]{64})(?:;|$)`);

/** Compares two secrets in constant time: hashing first makes them the same length, so not even that leaks. */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
	const [a, b] = await Promise.all([given, expected].map((text) => crypto.subtle.digest("SHA-256", encoder.encode(text))));
	return crypto.subtle.timingSafeEqual(a, b);
}

function hmacKey(token: string): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", encoder.encode(token), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

const message = (expires: number) => encoder.encode(`summary-bot admin session until ${expires}`);

/** The Set-Cookie value of a new session, valid for SESSION_SECONDS from `now`. */
export async function sessionCookie(token: string, now: number): Promise<string> {
	const expires = Math.floor(now / SECOND_MS) + SESSION_SECONDS;
	const mac = await crypto.subtle.sign("HMAC", await hmacKey(token), message(expires));
	return `${COOKIE}=${expires}.${toHex(mac)}; Max-Age=${SESSION_SECONDS}; ${ATTRIBUTES}`;
}

export const CLEARED_COOKIE = `${COOKIE}=; Max-Age=0; ${ATTRIBUTES}`;

/** Whether the Cookie header holds an unexpired session signed with this token (HMAC verify is constant time). */
export async function validSession(cookieHeader: string | null, token: string, now: number): Promise<boolean> {
	const match = cookieHeader?.match(SESSION);
	if (!match) return false;
	const expires = Number(match[1]);
	if (expires * SECOND_MS <= now) return false;
	return crypto.subtle.verify("HMAC", await hmacKey(token), fromHex(match[2]), message(expires));
}

/** A bearer token equal to `token`, or a valid session cookie. */
export async function isAuthorized(request: Request, token: string, now = Date.now()): Promise<boolean> {
	const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
	if (bearer !== undefined && (await sameSecret(bearer, token))) return true;
	return validSession(request.headers.get("cookie"), token, now);
}
