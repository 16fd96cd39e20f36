// The workers project of vitest.config.ts, for the scale simulation only (bench/scale/*.scale.ts, which `npm test`
// leaves out): run by `npm run bench:scale` (bench/scale.ts), or `vitest run --config bench/scale/vitest.config.ts`.
import { workersProject } from "../workers-project.ts";

export default workersProject("scale", ["bench/scale/**/*.scale.ts"], 1_800_000);
