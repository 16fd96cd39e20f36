// The layering of src/ (../shared/ARCHITECTURE.md, "Layout: imports go one way"), checked by `npm run lint`.
// From the top: the wiring (index, router, cron); the three ways in (interactions, admin, jobs); the
// summarizer pipeline; the services beneath it (discord, guild, db, metrics); domain and lib at the bottom.
// A file imports only from its own layer or the layers below, and nothing imports in a circle.
const WAYS_IN = "^src/(interactions|admin|jobs)/";
const WIRING = "^src/[^/]+\\.ts$";

module.exports = {
	forbidden: [
		{ name: "no-circular", severity: "error", from: {}, to: { circular: true } },
		{
			name: "lib-imports-only-lib",
			comment: "lib/ holds generic helpers: nothing of the bot's own.",
			severity: "error",
			from: { path: "^src/lib/" },
			to: { path: "^src/", pathNot: "^src/lib/" },
		},
		{
			name: "domain-imports-only-domain-and-lib",
			comment: "domain/ holds ranges, requests, jobs, styles, limits and keys: it knows nothing of the platform.",
			severity: "error",
			from: { path: "^src/domain/" },
			to: { path: "^src/", pathNot: "^src/(domain|lib)/" },
		},
		{
			name: "services-import-down",
			comment: "discord/, guild/, db/ and metrics/ serve the layers above and import only each other, domain/ and lib/.",
			severity: "error",
			from: { path: "^src/(discord|guild|db|metrics)/" },
			to: { path: "^src/", pathNot: "^src/(discord|guild|db|metrics|domain|lib)/" },
		},
		{
			name: "summarizer-imports-down",
			comment: "The pipeline is given a history reader, an LLM client and a store for spans: it imports no platform code.",
			severity: "error",
			from: { path: "^src/summarizer/" },
			to: { path: "^src/", pathNot: "^src/(summarizer|domain|lib)/" },
		},
		{
			name: "ways-in-are-separate",
			comment: "interactions/, admin/ and jobs/ each import their own folder and the layers below, not each other.",
			severity: "error",
			from: { path: "^src/(interactions|admin|jobs)/" },
			to: { path: [WAYS_IN, WIRING], pathNot: "^src/$1/" },
		},
		{
			name: "nothing-imports-the-wiring",
			severity: "error",
			from: { path: "^src/", pathNot: WIRING },
			to: { path: WIRING },
		},
	],
	options: {
		doNotFollow: { path: "node_modules" },
		// TypeScript 7 has no compiler API yet for dependency-cruiser to use: swc parses the sources.
		parser: "swc",
		tsConfig: { fileName: "tsconfig.json" },
		exclude: { path: "^(test|bench|scripts)/" },
	},
};
