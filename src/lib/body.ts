// A request body read with a limit that holds whatever the client claims: a chunked body has no
// Content-Length, so the limit is checked as the bytes arrive, and reading stops past it.
import { HttpError } from "./http-error";

export async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
	const tooLarge = () => new HttpError(413, `request body is larger than ${limit} bytes`);
	if (Number(request.headers.get("content-length") ?? 0) > limit) throw tooLarge();
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			throw tooLarge();
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
