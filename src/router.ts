// The Worker's HTTP routes; every error, thrown anywhere below, becomes a JSON response here.
import { Router } from "itty-router";
import { version } from "../package.json";
import { handleInteractionRequest } from "./discord/interactions";
import { errorResponse, HttpError, jsonResponse } from "./http-error";

export const router = Router<Request, [Env, ExecutionContext]>({ catch: errorResponse });

router
	.post("/interactions", (request, env, ctx) => handleInteractionRequest(request, env, ctx))
	.get("/health", () => jsonResponse({ status: "ok", version }))
	.all("*", () => {
		throw new HttpError(404, "not found");
	});
