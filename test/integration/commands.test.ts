// Commands answered on the interaction path without the guild's Durable Object.
import { InteractionType, MessageFlags } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { chatCommand, expectNothingEnqueued, id, resolvedChannel, sendOk, summarize, summarizeFromHere } from "../helpers/interactions";

expectNothingEnqueued();

function expectEphemeral(response: unknown, text: RegExp) {
	expect(response).toMatchObject({
		type: 4,
		data: { flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] }, content: expect.stringMatching(text) },
	});
}

describe("/help", () => {
	it("explains every command, ephemerally, without pinging", async () => {
		const response = await sendOk(chatCommand("help"));
		expect(response).toMatchObject({ type: 4, data: { flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } } });
		const embed = (response as { data: { embeds: { description: string; fields: { name: string; value: string }[] }[] } }).data.embeds[0];
		const names = embed.fields.map((field) => field.name).join(" ");
		for (const command of ["/summarize", "/catchup", "/summaries", "/stats", "/config", "/privacy", "/help", "Summarize from here"]) {
			expect(names).toContain(command);
		}
		expect(embed.description).toMatch(/30m.*6h.*2d.*1w/);
		expect(names).toContain("`/summarize [messages] [since] [channel] [style] [public]`");
		expect(names).toContain("`/privacy action`");
		expect(names).toContain("`/catchup [style]`");
		expect(embed.description).toContain("`/catchup` — what you missed here since your last message");
		expect(names).toContain("`/config view` · `/config set` · `/config digest`");
		expect(JSON.stringify(embed)).not.toContain("not available");
		expect(JSON.stringify(embed).length).toBeLessThan(6000);
	});
});

describe("unknown interactions", () => {
	it("an unknown command is unsupported, not an error", async () => {
		expectEphemeral(await sendOk(chatCommand("dance")), /isn't supported/);
	});

	it("buttons and modals are unsupported, not errors", async () => {
		expectEphemeral(
			await sendOk({ ...chatCommand("x"), type: InteractionType.MessageComponent, data: { custom_id: "x", component_type: 2 } }),
			/isn't supported/,
		);
		expectEphemeral(
			await sendOk({ ...chatCommand("x"), type: InteractionType.ModalSubmit, data: { custom_id: "x", components: [] } }),
			/isn't supported/,
		);
	});

	it("autocomplete gets an empty list", async () => {
		expect(await sendOk({ ...summarize(), type: InteractionType.ApplicationCommandAutocomplete })).toEqual({
			type: 8,
			data: { choices: [] },
		});
	});
});

describe("/summarize refusals, answered before anything is enqueued", () => {
	it("bad options get an ephemeral message saying what is allowed", async () => {
		expectEphemeral(await sendOk(summarize({ since: "forever" })), /`30m`, `6h`, `2d` or `1w`/);
		expectEphemeral(await sendOk(summarize({ since: "30d" })), /14 days/);
		expectEphemeral(await sendOk(summarize({ messages: 1 })), /from 2 to 10000/);
		expectEphemeral(await sendOk(summarize({ style: "haiku" })), /`brief`, `detailed`, `bullets`, `action_items`/);
	});

	it("a member who can't read the channel is told what is missing", async () => {
		expectEphemeral(await sendOk(summarize({}, { permissions: "1024" })), /you need \*\*Read Message History\*\*/);
		expectEphemeral(await sendOk(summarizeFromHere(id(), { permissions: "0" })), /View Channel/);
	});

	it("the bot's own missing permissions are named, with what to do", async () => {
		expectEphemeral(await sendOk(summarize({}, { appPermissions: "1024" })), /I need \*\*Read Message History\*\*.*Ask a server admin/);
		const other = id();
		expectEphemeral(await sendOk(summarize({ channel: other }, {}, { [other]: resolvedChannel(other, "1024", "0") })), /you need/);
	});

	it("outside a server, the answer says where it works", async () => {
		const dm = {
			...summarize(),
			guild_id: undefined,
			member: undefined,
			user: { id: id(), username: "u", discriminator: "0", global_name: null, avatar: null },
		};
		expectEphemeral(await sendOk(dm), /server channels only/);
	});
});
