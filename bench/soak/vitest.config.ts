// The workers project of vitest.config.ts, for the soak's own files only (test/soak/*.soak.ts, which
// `npm test` leaves out): run by `npm run test:soak`, or `vitest run --config bench/soak/vitest.config.ts`.
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { ROOT } from "../../scripts/playground/processes.ts";
import base from "../../vitest.config.ts";

const workers = base.test?.projects?.find(
	(project): project is TestProjectInlineConfiguration =>
		typeof project === "object" && "test" in project && project.test?.name === "workers",
);
if (!workers?.test) throw new Error("vitest.config.ts has no project named workers");

export default defineConfig({
	root: ROOT,
	test: {
		projects: [{ ...workers, test: { ...workers.test, name: "soak", include: ["test/soak/**/*.soak.ts"], testTimeout: 600_000 } }],
	},
});
