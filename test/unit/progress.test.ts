import { describe, expect, it } from "vitest";
import { DiscordRest } from "../../src/discord/rest";
import { deliver, progressReporter } from "../../src/discord/webhooks";
import { readingProgress } from "../../src/jobs/pipeline";

function recordingRest() {
	const calls: { method: string; url: string; body: unknown }[] = [];
	const rest = new DiscordRest({
		base: "http://discord.test/api/v10",
		token: "t",
		fetch: async (input, init) => {
			calls.push({ method: init?.method ?? "GET", url: String(input), body: JSON.parse(String(init?.body)) });
			return Response.json({ id: "1" });
		},
	});
	return { rest, calls };
}

describe("progress", () => {
	it("shows progress only after two seconds, at most every 1.5 s, in order", async () => {
		const { rest, calls } = recordingRest();
		let now = 0;
		const progress = progressReporter(rest, { applicationId: "1", token: "tok" }, 0, () => now);
		for (const [at, text] of [
			[500, "a"],
			[2500, "b"],
			[3000, "c"],
			[4100, "d"],
			[4200, "e"],
		] as const) {
			now = at;
			progress.report(text);
		}
		await progress.settled();
		expect(calls.map((call) => (call.body as { content: string }).content)).toEqual(["b", "d"]);
		expect(calls[0]).toMatchObject({
			method: "PATCH",
			url: "http://discord.test/api/v10/webhooks/1/tok/messages/@original",
			body: { allowed_mentions: { parse: [] } },
		});
	});
});

describe("deliver", () => {
	it("edits the original with the first message and posts the rest as follow-ups, never pinging", async () => {
		const { rest, calls } = recordingRest();
		await deliver(rest, { applicationId: "1", token: "tok" }, [{ content: "one" }, { content: "two" }], true);
		expect(calls).toEqual([
			{
				method: "PATCH",
				url: "http://discord.test/api/v10/webhooks/1/tok/messages/@original",
				body: { content: "one", allowed_mentions: { parse: [] } },
			},
			{
				method: "POST",
				url: "http://discord.test/api/v10/webhooks/1/tok",
				body: { content: "two", allowed_mentions: { parse: [] }, flags: 64 },
			},
		]);
	});
});

describe("reading progress", () => {
	it("says how long the rest of the range takes once its pace is known, so a member waiting on a busy Discord knows when to expect it", () => {
		expect(readingProgress(1200, 10_000, 1000)).toBe("Reading messages… 1,200 / 10,000");
		expect(readingProgress(1000, 10_000, 3000)).toBe("Reading messages… 1,000 / 10,000 (about 30 s more)");
		expect(readingProgress(100, 10_000, 4000)).toBe("Reading messages… 100 / 10,000 (about 7 min more)");
		expect(readingProgress(10_000, 10_000, 9000)).toBe("Reading messages… 10,000 / 10,000");
	});
});
