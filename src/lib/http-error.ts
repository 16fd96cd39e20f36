// The one error type of the Worker, and the one place that turns any error into a JSON response.
import { log } from "./log";

/** An error with an HTTP status and a message that is safe to show the caller. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly publicMessage: string,
	) {
		super(publicMessage);
	}
}

export function jsonResponse(body: unknown, status = 200): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { "content-type": "application/json;charset=UTF-8" },
	});
}

/** Known errors keep their status and message; anything else is a 500 that reveals nothing. */
export function errorResponse(error: unknown): Response {
	if (error instanceof HttpError) return jsonResponse({ error: error.publicMessage }, error.status);
	// Only the error's type: a request's failure may quote the request itself.
	log({ event: "request.failed", reason: error instanceof Error ? error.name : typeof error });
	return jsonResponse({ error: "internal error" }, 500);
}
