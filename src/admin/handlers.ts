// The /admin routes: the metrics endpoint (JSON or CSV), the dashboard, and its login and logout.
// Without ADMIN_TOKEN none of them exists (404); every one checks the token before reading anything.
import { drizzle } from "drizzle-orm/d1";
import { INVALID_OVERALL_LIMIT, parseLimit } from "../db/llm-budget";
import { readLimited } from "../lib/body";
import { HttpError, jsonResponse } from "../lib/http-error";
import { CLEARED_COOKIE, isAuthorized, sameSecret, sessionCookie } from "./auth";
import { CSV_TABLES, type CsvTable, metricsCsv } from "./csv";
import { readMetrics } from "./metrics";
import { dashboardPage, htmlResponse, loginPage } from "./page";
import { DEFAULT_SINCE, parseSince } from "./since";

/** A login form is a few dozen bytes; anything much larger is not one. */
const MAX_LOGIN_BYTES = 4096;

/** The admin token, or 404: without one, /admin/* does not exist. */
function adminToken(env: Env): string {
	if (!env.ADMIN_TOKEN) throw new HttpError(404, "not found");
	return env.ADMIN_TOKEN;
}

function unauthorized(): Response {
	const response = jsonResponse({ error: "missing or wrong admin token: send Authorization: Bearer <ADMIN_TOKEN>" }, 401);
	response.headers.set("www-authenticate", 'Bearer realm="summary-bot admin"');
	return response;
}

function choice<T extends string>(url: URL, name: string, options: readonly T[]): T {
	const value = url.searchParams.get(name) ?? options[0];
	if (!options.includes(value as T)) throw new HttpError(400, `${name} must be one of: ${options.join(", ")}`);
	return value as T;
}

/**
 * A wrong bearer token is a guess like a wrong sign-in: counted with the form's attempts, so the header is
 * no way around their limit.
 */
async function guessAllowed(request: Request, env: Env): Promise<boolean> {
	return !request.headers.has("authorization") || (await loginAllowed(request, env));
}

/** LLM_TOKENS_PER_DAY, for the budgets shown; a mistyped one is the operator's to fix, and said so. */
function overallLimit(env: Env): number | undefined {
	const limit = parseLimit(env.LLM_TOKENS_PER_DAY);
	if (limit === "invalid") throw new HttpError(500, INVALID_OVERALL_LIMIT);
	return limit;
}

function tooManyGuesses(): Response {
	const response = jsonResponse({ error: "too many wrong admin tokens from your address: wait a minute and try again" }, 429);
	response.headers.set("retry-after", "60");
	return response;
}

export async function metricsRoute(request: Request, env: Env, now = Date.now()): Promise<Response> {
	if (!(await isAuthorized(request, adminToken(env), now))) return (await guessAllowed(request, env)) ? unauthorized() : tooManyGuesses();
	const url = new URL(request.url);
	const format = choice(url, "format", ["json", "csv"] as const);
	const table: CsvTable = choice(url, "table", CSV_TABLES);
	const metrics = await readMetrics(drizzle(env.DB), parseSince(url.searchParams.get("since"), now), new Date(now), overallLimit(env));
	if (format === "json") {
		const response = jsonResponse(metrics);
		response.headers.set("cache-control", "no-store");
		return response;
	}
	return new Response(metricsCsv(metrics, table), {
		headers: {
			"content-type": "text/csv;charset=UTF-8;header=present",
			"content-disposition": `attachment; filename="summary-bot-${table}.csv"`,
			"cache-control": "no-store",
		},
	});
}

export async function dashboardRoute(request: Request, env: Env, now = Date.now()): Promise<Response> {
	if (!(await isAuthorized(request, adminToken(env), now))) {
		return (await guessAllowed(request, env)) ? htmlResponse((nonce) => loginPage(nonce), 401) : tooManyGuesses();
	}
	const period = new URL(request.url).searchParams.get("since")?.trim() || DEFAULT_SINCE;
	const metrics = await readMetrics(drizzle(env.DB), parseSince(period, now), new Date(now), overallLimit(env));
	return htmlResponse((nonce) => dashboardPage(nonce, metrics, period));
}

const NOT_A_FORM = "post the login form (application/x-www-form-urlencoded) with a token field";

/** The token from the login form; 400/413 for anything that is not the form, chunked or not. */
async function submittedToken(request: Request): Promise<string> {
	const type = request.headers.get("content-type") ?? "";
	if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) throw new HttpError(400, NOT_A_FORM);
	const body = await readLimited(request, MAX_LOGIN_BYTES);
	let form: FormData;
	try {
		form = await new Response(body, { headers: { "content-type": type } }).formData();
	} catch {
		// A multipart body without its boundary, or one that does not parse.
		throw new HttpError(400, NOT_A_FORM);
	}
	const token = form.get("token");
	return typeof token === "string" ? token : "";
}

/**
 * Sign-in attempts per client address and minute (wrangler.toml's ADMIN_LOGINS): the token's length stops
 * guessing, and this keeps a guesser from trying faster than a person would.
 */
async function loginAllowed(request: Request, env: Env): Promise<boolean> {
	const client = request.headers.get("cf-connecting-ip") ?? "unknown";
	return (await env.ADMIN_LOGINS.limit({ key: client })).success;
}

export async function loginRoute(request: Request, env: Env, now = Date.now()): Promise<Response> {
	const expected = adminToken(env);
	if (!(await loginAllowed(request, env))) {
		const response = htmlResponse(
			(nonce) => loginPage(nonce, "Too many sign-in attempts from your address. Wait a minute and try again."),
			429,
		);
		response.headers.set("retry-after", "60");
		return response;
	}
	if (!(await sameSecret(await submittedToken(request), expected))) {
		return htmlResponse((nonce) => loginPage(nonce, "That token is not right. Check the Worker's ADMIN_TOKEN secret."), 401);
	}
	return new Response(null, {
		status: 303,
		headers: { location: "/admin", "set-cookie": await sessionCookie(expected, now), "cache-control": "no-store" },
	});
}

export function logoutRoute(_request: Request, env: Env): Response {
	adminToken(env);
	return new Response(null, { status: 303, headers: { location: "/admin", "set-cookie": CLEARED_COOKIE, "cache-control": "no-store" } });
}
