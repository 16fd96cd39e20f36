// The application's Ed25519 key pair, made up locally: the Worker verifies with the public key, and the
// playground signs interactions with the private one exactly as Discord signs them.
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";

export interface SigningKeys {
	/** As the developer portal shows it: the raw 32 bytes, hex. */
	publicKeyHex: string;
	/** PKCS #8 DER, base64: what the state file keeps for the CLI. */
	privateKeyPkcs8: string;
}

export function generateSigningKeys(): SigningKeys {
	const { publicKey, privateKey } = generateKeyPairSync("ed25519");
	return {
		publicKeyHex: publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex"),
		privateKeyPkcs8: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
	};
}

export function privateKeyOf(keys: SigningKeys): KeyObject {
	return createPrivateKey({ key: Buffer.from(keys.privateKeyPkcs8, "base64"), format: "der", type: "pkcs8" });
}

/** The body and headers of a POST /interactions as Discord sends it. */
export function signed(
	body: unknown,
	key: KeyObject,
	timestamp = Math.floor(Date.now() / 1000),
): { body: string; headers: Record<string, string> } {
	const text = JSON.stringify(body);
	const signature = sign(null, Buffer.from(String(timestamp) + text), key).toString("hex");
	return {
		body: text,
		headers: { "content-type": "application/json", "x-signature-ed25519": signature, "x-signature-timestamp": String(timestamp) },
	};
}
