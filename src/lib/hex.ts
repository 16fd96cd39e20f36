// Bytes as lowercase hexadecimal, two digits a byte: how MACs and digests travel in cookies and ids.

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
	return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The bytes of a hex string its caller has already checked (even length, hex digits only). */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
	return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
