// The Worker's HTTP routes; every error, thrown anywhere below, becomes a JSON response here.
import { Router } from "itty-router";
import { version } from "../package.json";
import { handleInteractionRequest } from "./interactions/dispatch";
import { errorResponse, HttpError, jsonResponse } from "./lib/http-error";

export const router = Router<Request, [Env, ExecutionContext]>({ catch: errorResponse });

// The operator's pages are imported on their first request: an isolate answering Discord never compiles them.
const admin = () => import("./admin/handlers");

router
	.post("/interactions", (request, env, ctx) => handleInteractionRequest(request, env, ctx))
	.get("/health", () => jsonResponse({ status: "ok", version }))
	.get("/admin", async (request, env) => (await admin()).dashboardRoute(request, env))
	.get("/admin/metrics", async (request, env) => (await admin()).metricsRoute(request, env))
	.post("/admin/login", async (request, env) => (await admin()).loginRoute(request, env))
	.post("/admin/logout", async (request, env) => (await admin()).logoutRoute(request, env))
	.all("*", () => {
		throw new HttpError(404, "not found");
	});
