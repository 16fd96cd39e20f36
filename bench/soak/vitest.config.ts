// The workers project of vitest.config.ts, for the soak's own files only (test/soak/*.soak.ts, which
// `npm test` leaves out): run by `npm run test:soak`, or `vitest run --config bench/soak/vitest.config.ts`.
import { workersProject } from "../workers-project.ts";

export default workersProject("soak", ["test/soak/**/*.soak.ts"], 600_000);
