// The Worker's HTTP routes; every error, thrown anywhere below, becomes a JSON response here.
import { Router } from "itty-router";
import { version } from "../package.json";
import { dashboardRoute, loginRoute, logoutRoute, metricsRoute } from "./admin/handlers";
import { handleInteractionRequest } from "./interactions/dispatch";
import { errorResponse, HttpError, jsonResponse } from "./lib/http-error";

export const router = Router<Request, [Env, ExecutionContext]>({ catch: errorResponse });

router
	.post("/interactions", (request, env, ctx) => handleInteractionRequest(request, env, ctx))
	.get("/health", () => jsonResponse({ status: "ok", version }))
	.get("/admin", (request, env) => dashboardRoute(request, env))
	.get("/admin/metrics", (request, env) => metricsRoute(request, env))
	.post("/admin/login", (request, env) => loginRoute(request, env))
	.post("/admin/logout", (request, env) => logoutRoute(request, env))
	.all("*", () => {
		throw new HttpError(404, "not found");
	});
