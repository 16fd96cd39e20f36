// Bindings that exist only in tests (see vitest.config.ts).
declare namespace Cloudflare {
	interface Env {
		/** PKCS#8 (base64) private key matching DISCORD_PUBLIC_KEY, for signing test interactions. */
		TEST_SIGNING_KEY: string;
		/** migrations/, as read by readD1Migrations, applied to DB before the tests. */
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
	}
}
