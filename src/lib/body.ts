// A request body read with a limit that holds whatever the client claims: a chunked body has no
// Content-Length, so the limit is checked as the bytes arrive, and reading stops past it. A body with a
// length (Discord's always has one) and no Transfer-Encoding, which would win over the length, is bounded by
// HTTP's framing, and is read in one call: in workerd a reader's loop cost more than verifying the signature
// (README, "Performance and reliability").
import { HttpError } from "./http-error";

function tooLarge(limit: number): HttpError {
	return new HttpError(413, `request body is larger than ${limit} bytes`);
}

export async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
	const declared = request.headers.get("content-length");
	if (Number(declared ?? 0) > limit) throw tooLarge(limit);
	if (!request.body) return new Uint8Array();
	if (declared !== null && !request.headers.has("transfer-encoding")) {
		const body = new Uint8Array(await request.arrayBuffer());
		if (body.byteLength > limit) throw tooLarge(limit);
		return body;
	}
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			throw tooLarge(limit);
		}
		chunks.push(value);
	}
	if (chunks.length === 1) return chunks[0];
	const body = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		body.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return body;
}
