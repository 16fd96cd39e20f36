// The HTTP contract: every bad request to /interactions gets its status and a JSON error,
// and nothing is enqueued for it.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectNothingEnqueued, ping, send, sendOk, signedRequest, summarize } from "../helpers/interactions";

expectNothingEnqueued();

async function expectError(response: Response, status: number, message: RegExp) {
	expect(response.status).toBe(status);
	expect(response.headers.get("content-type")).toMatch(/^application\/json/);
	expect(await response.json()).toEqual({ error: expect.stringMatching(message) });
}

describe("POST /interactions: signature and timestamp", () => {
	it("answers a signed PING with PONG", async () => {
		expect(await sendOk(ping())).toEqual({ type: 1 });
	});

	it("401 without a signature or timestamp", async () => {
		const request = await signedRequest(JSON.stringify(summarize()));
		for (const header of ["x-signature-ed25519", "x-signature-timestamp"]) {
			const headers = new Headers(request.headers);
			headers.delete(header);
			const stripped = new Request(request.url, { method: "POST", headers, body: JSON.stringify(summarize()) });
			await expectError(await exports.default.fetch(stripped), 401, /X-Signature/);
		}
	});

	it("401, never 500, for malformed signature hex", async () => {
		for (const signature of ["zz".repeat(64), "abc", "00".repeat(65), ""]) {
			await expectError(await send(ping(), { headers: { "x-signature-ed25519": signature } }), 401, /X-Signature-Ed25519/);
		}
	});

	it("401 for a forged signature or a tampered body", async () => {
		await expectError(await send(ping(), { headers: { "x-signature-ed25519": "ab".repeat(64) } }), 401, /invalid request signature/);
		const request = await signedRequest(JSON.stringify(ping()));
		const tampered = new Request(request.url, { method: "POST", headers: request.headers, body: JSON.stringify(summarize()) });
		await expectError(await exports.default.fetch(tampered), 401, /invalid request signature/);
	});

	it("401 for a timestamp more than 5 minutes from now, either way, even when correctly signed", async () => {
		const now = Math.floor(Date.now() / 1000);
		// Half a minute past the 5 minutes: a loaded machine may take seconds between signing and checking.
		await expectError(await send(ping(), { timestamp: now - 330 }), 401, /5 minutes/);
		await expectError(await send(ping(), { timestamp: now + 330 }), 401, /5 minutes/);
		expect((await send(ping(), { timestamp: now - 290 })).status).toBe(200);
		await expectError(await send(ping(), { headers: { "x-signature-timestamp": "yesterday" } }), 401, /X-Signature-Timestamp/);
	});
});

describe("POST /interactions: body", () => {
	const big = JSON.stringify({ ...ping(), padding: "x".repeat(64 * 1024) });

	it("413 for a body over 64 KiB, declared or streamed", async () => {
		await expectError(await exports.default.fetch(await signedRequest(big)), 413, /larger than 65536/);
		const signed = await signedRequest(big);
		const headers = new Headers(signed.headers);
		headers.delete("content-length");
		const chunks = new TextEncoder().encode(big);
		const stream = new ReadableStream({
			start(controller) {
				for (let i = 0; i < chunks.length; i += 8192) controller.enqueue(chunks.slice(i, i + 8192));
				controller.close();
			},
		});
		await expectError(await exports.default.fetch(new Request(signed.url, { method: "POST", headers, body: stream })), 413, /larger/);
	});

	it("413 for a body over 64 KiB whose declared length is smaller", async () => {
		const signed = await signedRequest(big);
		const headers = new Headers(signed.headers);
		headers.set("content-length", "100");
		await expectError(await exports.default.fetch(new Request(signed.url, { method: "POST", headers, body: big })), 413, /larger/);
	});

	it("413 for a chunked body past 64 KiB that also declares a small length, without waiting for its end", async () => {
		const signed = await signedRequest(big);
		const headers = new Headers(signed.headers);
		headers.set("content-length", "100");
		headers.set("transfer-encoding", "chunked");
		const chunk = new TextEncoder().encode("x".repeat(8192));
		// Never closes: only a read that stops past the limit can answer.
		const endless = new ReadableStream({ pull: (controller) => controller.enqueue(chunk) });
		await expectError(await exports.default.fetch(new Request(signed.url, { method: "POST", headers, body: endless })), 413, /larger/);
	});

	it("accepts a body of exactly 64 KiB", async () => {
		const body = JSON.stringify(ping());
		const exact = `${body.slice(0, -1)},"pad":"${"x".repeat(64 * 1024 - body.length - 9)}"}`;
		expect(new TextEncoder().encode(exact).length).toBe(64 * 1024);
		expect((await exports.default.fetch(await signedRequest(exact))).status).toBe(200);
	});

	it("400 for signed bodies that are not JSON or not an interaction", async () => {
		await expectError(await exports.default.fetch(await signedRequest("{not json")), 400, /not valid JSON/);
		await expectError(await exports.default.fetch(await signedRequest("[1,2]")), 400, /not an interaction/);
		await expectError(await exports.default.fetch(await signedRequest("null")), 400, /not an interaction/);
	});

	it("400 for an unknown interaction type or a command without data", async () => {
		await expectError(await send({ ...ping(), type: 99 }), 400, /unknown interaction type 99/);
		await expectError(await send({ ...ping(), type: "2" }), 400, /unknown interaction type/);
		await expectError(await send({ ...summarize(), data: undefined }), 400, /no data/);
		await expectError(await send({ ...summarize(), data: { type: 1, options: [] } }), 400, /has no name/);
		await expectError(await send({ ...summarize(), type: 3, data: { component_type: 2 } }), 400, /has no custom_id/);
	});
});

describe("other routes", () => {
	it("GET /health", async () => {
		const response = await exports.default.fetch("https://bot.example/health");
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ status: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
	});

	it("404 JSON for anything else, /admin included while ADMIN_TOKEN is unset", async () => {
		for (const [method, path] of [
			["GET", "/"],
			["GET", "/interactions"],
			["POST", "/nope"],
			["GET", "/admin"],
			["GET", "/admin/metrics"],
		]) {
			await expectError(await exports.default.fetch(`https://bot.example${path}`, { method }), 404, /not found/);
		}
	});
});
