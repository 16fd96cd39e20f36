// A vitest config of one project: vitest.config.ts's workers project (the Worker's bindings, the
// stand-ins, D1's migrations) for files `npm test` leaves out, such as the soak and the scale simulation.
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { ROOT } from "../scripts/playground/processes.ts";
import base from "../vitest.config.ts";

export function workersProject(name: string, include: string[], testTimeout: number) {
	const workers = base.test?.projects?.find(
		(project): project is TestProjectInlineConfiguration =>
			typeof project === "object" && "test" in project && project.test?.name === "workers",
	);
	if (!workers?.test) throw new Error("vitest.config.ts has no project named workers");
	return defineConfig({
		root: ROOT,
		test: { projects: [{ ...workers, test: { ...workers.test, name, include, testTimeout } }] },
	});
}
