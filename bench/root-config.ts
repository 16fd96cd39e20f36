// wrangler.toml as a raw config to write elsewhere, for a bench's variant of it (bench/cache.ts,
// bench/split-stack.ts): its paths made absolute. The Worker is built by scripts/build-worker.ts.
import { join } from "node:path";
import { experimental_readRawConfig, type Unstable_RawConfig } from "wrangler";
import { ROOT } from "../scripts/playground/processes.ts";

export function rootConfig(): Unstable_RawConfig {
	const { rawConfig } = experimental_readRawConfig({ config: join(ROOT, "wrangler.toml") });
	return {
		...rawConfig,
		main: join(ROOT, rawConfig.main!),
		d1_databases: rawConfig.d1_databases?.map((database: { migrations_dir?: string }) => ({
			...database,
			migrations_dir: join(ROOT, database.migrations_dir ?? "migrations"),
		})),
	};
}
