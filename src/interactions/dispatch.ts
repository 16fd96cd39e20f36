// POST /interactions: verify, parse, and hand each interaction to its handler.
import {
	type APIApplicationCommandInteraction,
	type APIInteraction,
	type APIInteractionResponse,
	ApplicationCommandType,
	InteractionResponseType,
	InteractionType,
} from "discord-api-types/payloads/v10";
import { parseButtonId, parseVoteId } from "../discord/buttons";
import { ephemeral } from "../discord/responses";
import { readVerifiedBody } from "../discord/verify";
import { HttpError, jsonResponse } from "../lib/http-error";
import { COMMAND } from "./commands";
import { help } from "./help";
import { cancel, summarize } from "./summarize";
import { parseCancel, parseCatchUp, parseSummarize, parseSummarizeFromHere, parseSummaryButton } from "./summarize-request";

function parse(body: Uint8Array): APIInteraction {
	let interaction: unknown;
	try {
		interaction = JSON.parse(new TextDecoder().decode(body));
	} catch {
		throw new HttpError(400, "body is not valid JSON");
	}
	if (typeof interaction !== "object" || interaction === null || !("type" in interaction)) {
		throw new HttpError(400, "body is not an interaction");
	}
	if (!Object.values(InteractionType).includes(interaction.type as InteractionType)) {
		throw new HttpError(400, `unknown interaction type ${JSON.stringify(interaction.type)}`);
	}
	if (interaction.type === InteractionType.Ping) return interaction as APIInteraction;
	const data = "data" in interaction && typeof interaction.data === "object" ? interaction.data : null;
	if (!data) throw new HttpError(400, "interaction has no data");
	// Commands are dispatched by name, components and modals by custom_id: without it there is nothing to do.
	const key =
		interaction.type === InteractionType.MessageComponent || interaction.type === InteractionType.ModalSubmit ? "custom_id" : "name";
	if (!(key in data) || typeof (data as Record<string, unknown>)[key] !== "string") {
		throw new HttpError(400, `interaction data has no ${key}`);
	}
	return interaction as APIInteraction;
}

function command(
	interaction: APIApplicationCommandInteraction,
	env: Env,
	ctx: ExecutionContext,
): Promise<APIInteractionResponse> | APIInteractionResponse {
	const { data } = interaction;
	if (data.type === ApplicationCommandType.ChatInput && data.name === COMMAND.summarize) {
		return summarize(interaction, parseSummarize({ ...interaction, data }), env, ctx);
	}
	if (data.type === ApplicationCommandType.Message && data.name === COMMAND.summarizeFromHere) {
		return summarize(interaction, parseSummarizeFromHere({ ...interaction, data }), env, ctx);
	}
	if (data.type === ApplicationCommandType.ChatInput && data.name === COMMAND.catchup) {
		return summarize(interaction, parseCatchUp({ ...interaction, data }), env, ctx);
	}
	if (data.name === COMMAND.help) return help();
	// The commands whose work reads or writes D1 after a "thinking…" answer are imported on first use, with
	// drizzle: an isolate that only summarizes never compiles them.
	if (data.type === ApplicationCommandType.ChatInput && data.name === COMMAND.privacy)
		return import("./privacy").then(({ privacy }) => privacy({ ...interaction, data }, env, ctx));
	if (data.type === ApplicationCommandType.ChatInput && data.name === COMMAND.summaries)
		return import("./summaries").then(({ summariesCommand }) => summariesCommand({ ...interaction, data }, env, ctx));
	if (data.type === ApplicationCommandType.ChatInput && data.name === COMMAND.stats)
		return import("./stats").then(({ statsCommand }) => statsCommand({ ...interaction, data }, env, ctx));
	if (data.type === ApplicationCommandType.ChatInput && data.name === COMMAND.config)
		return import("./config").then(({ configCommand }) => configCommand({ ...interaction, data }, env, ctx));
	return ephemeral("That command isn't supported by this version of Summary Bot. Try `/help` to see what is.");
}

export function dispatch(
	interaction: APIInteraction,
	env: Env,
	ctx: ExecutionContext,
): Promise<APIInteractionResponse> | APIInteractionResponse {
	switch (interaction.type) {
		case InteractionType.Ping:
			return { type: InteractionResponseType.Pong };
		case InteractionType.ApplicationCommand:
			return command(interaction, env, ctx);
		case InteractionType.ApplicationCommandAutocomplete:
			return { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } };
		case InteractionType.MessageComponent: {
			const button = parseButtonId(interaction.data.custom_id);
			if (button?.action === "cancel") return cancel(parseCancel(interaction));
			if (button) return summarize(interaction, parseSummaryButton(interaction, button), env, ctx);
			const vote = parseVoteId(interaction.data.custom_id);
			if (vote) return import("./vote").then(({ voteCommand }) => voteCommand(interaction, vote, env, ctx));
			return ephemeral("That button isn't supported by this version of Summary Bot. Try `/help`.");
		}
		case InteractionType.ModalSubmit:
			return ephemeral("That form isn't supported by this version of Summary Bot. Try `/help`.");
	}
}

export async function handleInteractionRequest(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
	const body = await readVerifiedBody(request, env.DISCORD_PUBLIC_KEY);
	return jsonResponse(await dispatch(parse(body), env, ctx));
}
