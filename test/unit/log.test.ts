import { afterEach, describe, expect, it, vi } from "vitest";
import { log, reason, redactSecrets } from "../../src/lib/log";

const INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6";
const BOT_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789";
const OPENAI_KEY = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("reason", () => {
	it("keeps the error's name and message", () => {
		expect(reason(new TypeError("connection reset"))).toBe("TypeError: connection reset");
		expect(reason("plain")).toBe("plain");
	});

	it("redacts the token of a webhook's path, keeping the application id", () => {
		const text = reason(new Error(`PATCH /webhooks/100000000000000001/${INTERACTION_TOKEN}/messages/@original: 404 Unknown Webhook`));
		expect(text).toBe("Error: PATCH /webhooks/100000000000000001/:token/messages/@original: 404 Unknown Webhook");
		expect(reason(new Error(`fetch failed: https://discord.com/api/v10/webhooks/1/${INTERACTION_TOKEN}?wait=true`))).not.toContain(
			INTERACTION_TOKEN,
		);
	});

	it("redacts Bot and Bearer credentials", () => {
		expect(reason(new Error("authorization: Bot some.bot-token"))).toBe("Error: authorization: Bot [redacted]");
		expect(reason(new Error("Authorization: Bearer admin-secret, then"))).toBe("Error: Authorization: Bearer [redacted], then");
	});

	it("redacts OpenAI keys and Discord bot tokens by their shape", () => {
		expect(reason(new Error(`401 Incorrect API key provided: ${OPENAI_KEY}.`))).toBe(
			"Error: 401 Incorrect API key provided: sk-[redacted].",
		);
		expect(reason(new Error(`token ${BOT_TOKEN} is invalid`))).toBe("Error: token [redacted] is invalid");
	});

	it("redacts the Worker's registered secrets whatever their shape", () => {
		redactSecrets(["test-bot-token", "hunter2-admin", undefined, ""]);
		expect(reason(new Error("bot test-bot-token, admin hunter2-admin"))).toBe("Error: bot [redacted], admin [redacted]");
		expect(reason(new Error("nothing secret"))).toBe("Error: nothing secret");
	});
});

describe("log", () => {
	it("writes a failure as one JSON line to console.error, and a completion to console.log", () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const infos = vi.spyOn(console, "log").mockImplementation(() => undefined);
		log({ event: "d1.write_lost", guild: "g1", reason: "Error: locked" });
		log({ event: "retention.done", summaries: 2, votes: 1, usageEvents: 5, llmTokens: 1 });
		expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
			{ event: "d1.write_lost", guild: "g1", reason: "Error: locked" },
		]);
		expect(infos.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
			{ event: "retention.done", summaries: 2, votes: 1, usageEvents: 5, llmTokens: 1 },
		]);
	});

	it("redacts a secret in any field, not only a reason", () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		log({ event: "queue.unknown_message", kind: `Bearer ${OPENAI_KEY}`, version: 3 });
		expect(String(errors.mock.calls[0][0])).not.toContain(OPENAI_KEY);
	});
});
