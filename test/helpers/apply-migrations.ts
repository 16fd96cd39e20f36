// Applies migrations/ to the test D1 database: the same files `wrangler d1 migrations apply` uses.
// Setup files may run more than once; applyD1Migrations skips what is already applied.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
