// The workers project of vitest.config.ts, for the scale simulation only (bench/scale/*.scale.ts, which `npm test`
// leaves out): run by `npm run bench:scale` (bench/scale.ts), or `vitest run --config bench/scale/vitest.config.ts`.
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
		projects: [{ ...workers, test: { ...workers.test, name: "scale", include: ["bench/scale/**/*.scale.ts"], testTimeout: 1_800_000 } }],
	},
});
