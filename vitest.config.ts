// Tests run inside workerd with the Worker's real bindings (Durable Objects, Queue, D1) from wrangler.toml.
// A fresh Ed25519 key pair per run: the Worker verifies with the public key, tests sign with the private one.
import { generateKeyPairSync } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, defineProject } from "vitest/config";
import { DISCORD_TEST_BASE, OPENAI_TEST_BASE, outboundService } from "./test/stand-ins/outbound.ts";

// Loopback only: no request.cf lookup, no telemetry.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_SEND_METRICS ??= "false";

const { publicKey, privateKey } = generateKeyPairSync("ed25519");
const publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
const privateKeyPkcs8 = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");

const workers = defineProject({
	plugins: [
		cloudflareTest({
			// The source, not wrangler.toml's built main (dist/worker/): tests see every change without a build.
			main: "./src/index.ts",
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				bindings: {
					DISCORD_PUBLIC_KEY: publicKeyHex,
					DISCORD_APPLICATION_ID: "100000000000000001",
					DISCORD_BOT_TOKEN: "test-bot-token",
					DISCORD_API_BASE: DISCORD_TEST_BASE,
					OPENAI_API_KEY: "",
					OPENAI_BASE_URL: OPENAI_TEST_BASE,
					ADMIN_TOKEN: "",
					TEST_SIGNING_KEY: privateKeyPkcs8,
					TEST_MIGRATIONS: await readD1Migrations("./migrations"),
				},
				outboundService: outboundService(),
				queueConsumers: { "summary-jobs": { maxBatchTimeout: 0.05 } },
			},
		}),
	],
	test: {
		name: "workers",
		include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
		setupFiles: ["./test/helpers/apply-migrations.ts"],
		// The machine is shared and noisy: time limits guard against hangs, not for speed.
		testTimeout: 20_000,
		deps: { optimizer: { ssr: { enabled: true, include: ["discord-api-types/v10", "discord-api-types/payloads/v10"] } } },
	},
});

// Pages (the operator's dashboard, the emulator's channel view) tested in headless Chromium (test/browser/chromium.ts finds one),
// from Node, against the whole bot running locally.
const browser = defineProject({
	test: {
		name: "browser",
		environment: "node",
		include: ["test/browser/**/*.test.ts"],
		testTimeout: 120_000,
		hookTimeout: 120_000,
	},
});

export default defineConfig({ test: { projects: [workers, browser] } });
