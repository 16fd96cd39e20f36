// drizzle-kit: `npm run db:generate` writes flat NNNN_name.sql migrations from src/db/schema.ts,
// which `wrangler d1 migrations apply DB` and the tests apply.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
	dialect: "sqlite",
	schema: "./src/db/schema.ts",
	out: "./migrations",
});
