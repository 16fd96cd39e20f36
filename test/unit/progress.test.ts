import { describe, expect, it } from "vitest";
import { DiscordRest } from "../../src/discord/rest";
import { deliver, progressReporter } from "../../src/discord/webhooks";

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
