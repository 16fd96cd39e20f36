// Verifies that a request to /interactions really comes from Discord, before anything parses it.
import { verifyKey } from "discord-interactions";
import { readLimited } from "../lib/body";
import { fromHex } from "../lib/hex";
import { HttpError } from "../lib/http-error";

export const MAX_BODY_BYTES = 64 * 1024;
/** Discord's library checks only the signature; without a window a captured request could be replayed forever. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

const SIGNATURE = /^[0-9a-f]{128}$/i;
const TIMESTAMP = /^\d{1,12}$/;

// Importing the key costs more than verifying with it, so it is done once per isolate, not per request.
let importedKey: { hex: string; key: Promise<CryptoKey> } | undefined;

function publicKey(hex: string): Promise<CryptoKey> {
	if (importedKey?.hex !== hex) {
		if (!/^[0-9a-f]{64}$/i.test(hex)) throw new HttpError(500, "DISCORD_PUBLIC_KEY is not a 64-character hex key");
		importedKey = { hex, key: crypto.subtle.importKey("raw", fromHex(hex), { name: "Ed25519" }, false, ["verify"]) };
	}
	return importedKey.key;
}

/** Returns the request's body once its signature and timestamp are proven; throws 401 or 413 otherwise. */
export async function readVerifiedBody(request: Request, publicKeyHex: string, nowMs = Date.now()): Promise<Uint8Array> {
	const signature = request.headers.get("x-signature-ed25519");
	const timestamp = request.headers.get("x-signature-timestamp");
	if (!signature || !SIGNATURE.test(signature)) throw new HttpError(401, "missing or malformed X-Signature-Ed25519");
	if (!timestamp || !TIMESTAMP.test(timestamp)) throw new HttpError(401, "missing or malformed X-Signature-Timestamp");
	if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
		throw new HttpError(401, "X-Signature-Timestamp is more than 5 minutes from now");
	}
	const body = await readLimited(request, MAX_BODY_BYTES);
	if (!(await verifyKey(body, signature, timestamp, await publicKey(publicKeyHex)))) {
		throw new HttpError(401, "invalid request signature");
	}
	return body;
}
