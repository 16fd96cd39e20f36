// The built Worker (scripts/build-worker.ts writes the modules beside this file) is src/index.ts: `wrangler types`
// names this module as the Worker's main, and its types are the source's.
export * from "../../src/index";
export { default } from "../../src/index";
