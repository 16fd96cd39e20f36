// Builds the Worker into dist/worker/ for wrangler (wrangler.toml's [build]: `wrangler dev` and `wrangler deploy` run
// it). It bundles as wrangler's own esbuild step does, with one difference wrangler cannot make:
// code splitting. The queue consumer's code (the tokenizer's tables, the OpenAI SDK, the summarizer), imported
// dynamically by src/index.ts, becomes a module of its own that an isolate compiles on its first queue() call, so
// an isolate answering interactions neither compiles nor evaluates it (README, "Performance and reliability").
// `--alias <specifier>=<path>` (repeatable) builds with a module in place of another, as wrangler's `alias` would
// were it bundling: bench/cache.ts swaps the guild's token buckets for ones no workload reaches.
import { deepStrictEqual } from "node:assert";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, "dist/worker");

const aliases = new Map(
	process.argv.slice(2).flatMap((arg, i, args) => {
		if (args[i - 1] !== "--alias") return [];
		const at = arg.indexOf("=");
		return [[arg.slice(0, at), arg.slice(at + 1)] as const];
	}),
);
const alias: Plugin = {
	name: "alias",
	setup(builder) {
		const specifiers = [...aliases.keys()].map((specifier) => specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
		builder.onResolve({ filter: new RegExp(`^(?:${specifiers.join("|")})$`) }, (args) => ({ path: aliases.get(args.path)! }));
	},
};

/**
 * An enum's values as a JavaScript literal: TypeScript's enums are objects of numbers and strings; the permissions are
 * bigints, and one object of constants holds two self-contained functions, written as their source.
 */
function literal(value: unknown): string {
	if (typeof value === "bigint") return `${value}n`;
	if (typeof value === "function") return String(value);
	if (typeof value === "number" || typeof value === "string") return JSON.stringify(value);
	if (typeof value === "object" && value !== null)
		return `{${Object.entries(value)
			.map(([key, member]) => `${JSON.stringify(key)}:${literal(member)}`)
			.join(",")}}`;
	throw new Error(`an enum holds a ${typeof value}`);
}

/** Values to compare: a function by its source. */
function comparable(value: unknown): unknown {
	if (typeof value === "function") return String(value);
	if (typeof value === "object" && value !== null)
		return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, comparable(member)]));
	return value;
}

/**
 * discord-api-types ships its payload enums as CommonJS, so importing one evaluates all hundred of them: about 15 ms
 * of every cold isolate's startup CPU, measured. The Worker gets the same values, read from the package at build time,
 * as an ES module of one `const` per enum: esbuild keeps only the enums the code uses, and they are plain objects.
 * Read back before it is used, so a value the module would get wrong fails the build.
 */
async function discordEnumsModule(): Promise<string> {
	const specifier = "discord-api-types/payloads/v10";
	const { default: _, ...enums } = (await import(specifier)) as Record<string, unknown>;
	const module = Object.entries(enums)
		.map(([name, values]) => `export const ${name} = ${literal(values)};`)
		.join("\n");
	const readBack = { ...(await import(`data:text/javascript,${encodeURIComponent(module)}`)) };
	deepStrictEqual(comparable(readBack), comparable(enums), `the module made of ${specifier} differs from it`);
	return module;
}
const discordEnums: Plugin = {
	name: "discord-enums",
	setup(builder) {
		builder.onResolve({ filter: /^discord-api-types\/payloads\/v10$/ }, (args) => ({ path: args.path, namespace: "discord-enums" }));
		builder.onLoad({ filter: /.*/, namespace: "discord-enums" }, async () => ({ contents: await discordEnumsModule(), loader: "js" }));
	},
};

// Chunk names carry a hash and wrangler uploads every module in the folder: an old chunk must not ride along.
// index.d.ts stays: it gives the built main the source's types for `wrangler types`.
for (const file of readdirSync(OUT)) if (file !== "index.d.ts") rmSync(join(OUT, file));
await build({
	entryPoints: [join(ROOT, "src/index.ts")],
	outdir: OUT,
	bundle: true,
	splitting: true,
	format: "esm",
	// What wrangler 4 passes to esbuild for a module Worker.
	target: "es2024",
	conditions: ["workerd", "worker", "browser"],
	external: ["cloudflare:*"],
	define: { "process.env.NODE_ENV": JSON.stringify(process.env.NODE_ENV ?? "production") },
	keepNames: true,
	// A cold isolate parses all it loads: minified, the modules an isolate loads at startup are half the size.
	// Stack traces keep function names (keepNames) and are mapped back with the uploaded source maps.
	minify: true,
	sourcemap: true,
	logLevel: "warning",
	plugins: [discordEnums, ...(aliases.size ? [alias] : [])],
});
