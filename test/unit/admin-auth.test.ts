// Admin sessions: an expiry and an HMAC keyed by the token, never the token; bearer compared in constant time.
import { describe, expect, it } from "vitest";
import { isAuthorized, SESSION_SECONDS, sameSecret, sessionCookie, validSession } from "../../src/admin/auth";

const NOW = Date.UTC(2026, 10, 22, 12);
const value = async (token: string, now = NOW) => (await sessionCookie(token, now)).split(";")[0];

describe("sessions", () => {
	it("hold an expiry and a MAC, valid until the expiry and only for the token that signed them", async () => {
		const cookie = await value("secret");
		expect(cookie).toMatch(new RegExp(`^__Host-admin_session=${NOW / 1000 + SESSION_SECONDS}\\.[0-9a-f]{64}$`));
		expect(await validSession(cookie, "secret", NOW)).toBe(true);
		expect(await validSession(`a=b; ${cookie}; c=d`, "secret", NOW + (SESSION_SECONDS - 1) * 1000)).toBe(true);
		expect(await validSession(cookie, "secret", NOW + SESSION_SECONDS * 1000)).toBe(false);
		expect(await validSession(cookie, "secret2", NOW)).toBe(false);
		expect(await validSession(cookie.replace("__Host-", ""), "secret", NOW)).toBe(false);
		expect(await validSession(null, "secret", NOW)).toBe(false);
	});
});

describe("isAuthorized", () => {
	const request = (headers: Record<string, string>) => new Request("https://bot.test/admin", { headers });

	it("takes the exact bearer token or a session, nothing else", async () => {
		expect(await isAuthorized(request({ authorization: "Bearer secret" }), "secret", NOW)).toBe(true);
		expect(await isAuthorized(request({ authorization: "bearer   secret " }), "secret", NOW)).toBe(true);
		expect(await isAuthorized(request({ cookie: await value("secret") }), "secret", NOW)).toBe(true);
		const refused: Record<string, string>[] = [
			{},
			{ authorization: "Bearer secre" },
			{ authorization: "Bearer secret2" },
			{ authorization: "Token secret" },
			{ authorization: "Bearer secret extra" },
		];
		for (const headers of refused) {
			expect(await isAuthorized(request(headers), "secret", NOW), JSON.stringify(headers)).toBe(false);
		}
	});

	it("compares secrets of any length without failing", async () => {
		expect(await sameSecret("a", "a")).toBe(true);
		expect(await sameSecret("a", "a".repeat(1000))).toBe(false);
		expect(await sameSecret("", "secret")).toBe(false);
	});
});
