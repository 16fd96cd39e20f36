// The Chromium the browser tests drive through playwright-core, which never downloads a browser. In order:
// CHROMIUM_PATH; the system's (`chromium` or `chromium-browser` on PATH); the one shipped inside the
// @sparticuz/chromium devDependency, so that `npm install && npm test` needs nothing but Node and npm.
import { execFileSync } from "node:child_process";
import {
	accessSync,
	constants,
	createReadStream,
	createWriteStream,
	existsSync,
	mkdirSync,
	readFileSync,
	renameSync,
	rmSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { brotliDecompressSync, createBrotliDecompress } from "node:zlib";
import { type Browser, chromium } from "playwright-core";

const SYSTEM_NAMES = ["chromium", "chromium-browser"];
const NPM_PACKAGE = "@sparticuz/chromium";
const WHAT_TO_DO =
	`Run \`npm install\` (it brings ${NPM_PACKAGE}, a Chromium for Linux x64), install your system's Chromium ` +
	"(e.g. `sudo apt-get install chromium`), or set CHROMIUM_PATH to a Chrome or Chromium binary.";

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface Candidate {
	source: string;
	executablePath: string;
	env?: Record<string, string>;
}

function isExecutable(path: string): boolean {
	try {
		accessSync(path, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

function systemChromium(): Candidate | undefined {
	const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
	for (const name of SYSTEM_NAMES) {
		const executablePath = dirs.map((dir) => join(dir, name)).find(isExecutable);
		if (executablePath) return { source: `the system's ${name}`, executablePath };
	}
	return undefined;
}

/**
 * Unpacks the package's brotli'd Chromium and the NSS and expat libraries it links to (built for Amazon
 * Linux, which lacks them) into a folder of the temp directory named by the package's version. Not
 * through the package's own executablePath(): that reuses any /tmp/chromium whatever its version, and
 * unpacks the libraries only on AWS.
 */
async function unpack(bin: string, dir: string): Promise<void> {
	if (existsSync(dir)) return;
	// Unpacked beside it, then renamed into place: test files launch at once, and none may run a half-written browser.
	const partial = `${dir}.${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	await pipeline(
		createReadStream(join(bin, "chromium.br")),
		createBrotliDecompress(),
		createWriteStream(join(partial, "chromium"), { mode: 0o755 }),
	);
	execFileSync("tar", ["-x", "-C", partial], { input: brotliDecompressSync(readFileSync(join(bin, "al2023.tar.br"))) });
	try {
		renameSync(partial, dir);
	} catch (error) {
		rmSync(partial, { recursive: true, force: true });
		if (!existsSync(dir)) throw error;
	}
}

async function npmChromium(): Promise<Candidate | undefined> {
	let entry: string;
	try {
		entry = createRequire(import.meta.url).resolve(NPM_PACKAGE);
	} catch {
		return undefined;
	}
	// It ships a Linux x64 build only.
	if (process.platform !== "linux" || process.arch !== "x64") return undefined;
	const root = join(dirname(entry), "..");
	const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
	const dir = join(tmpdir(), `sparticuz-chromium-${version}`);
	await unpack(join(root, "bin"), dir).catch((error: unknown) => {
		throw new Error(`${NPM_PACKAGE} ${version} could not be unpacked to ${dir}: ${message(error)}`);
	});
	// Its own copies first: the system may have none, or other versions than the ones it was built with.
	const libs = [join(dir, "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter);
	return { source: `${NPM_PACKAGE} ${version}`, executablePath: join(dir, "chromium"), env: { LD_LIBRARY_PATH: libs } };
}

async function launch(candidate: Candidate): Promise<Browser> {
	try {
		return await chromium.launch({
			executablePath: candidate.executablePath,
			env: candidate.env && { ...process.env, ...candidate.env },
			headless: true,
			// The machine's network is closed: without these, Chromium keeps trying to reach Google's hosts.
			args: [
				"--no-sandbox",
				"--disable-gpu",
				"--disable-quic",
				"--no-first-run",
				"--disable-background-networking",
				"--disable-component-update",
				"--disable-sync",
			],
		});
	} catch (error) {
		throw new Error(`${candidate.source} (${candidate.executablePath}) did not start: ${message(error)}`);
	}
}

export async function launchChromium(): Promise<Browser> {
	const chosen = process.env.CHROMIUM_PATH;
	if (chosen) {
		// An explicit choice is never replaced by another browser behind the user's back.
		const hint = "Point CHROMIUM_PATH at a Chrome or Chromium binary, or unset it.";
		if (!isExecutable(chosen)) throw new Error(`CHROMIUM_PATH=${chosen} is not an executable file. ${hint}`);
		return launch({ source: "CHROMIUM_PATH", executablePath: chosen }).catch((error: unknown) => {
			throw new Error(`${message(error)}\n${hint}`);
		});
	}
	const failures: string[] = [];
	// A system Chromium that cannot start (a snap stub in a container, say) leaves the npm one to try.
	for (const find of [systemChromium, npmChromium]) {
		try {
			const candidate = await find();
			if (!candidate) continue;
			const browser = await launch(candidate);
			if (failures.length) console.warn(`Using ${candidate.source}: ${failures.join("\n")}`);
			return browser;
		} catch (error) {
			failures.push(message(error));
		}
	}
	const tried = failures.length
		? failures.join("\n")
		: `No Chromium found: none on PATH (${SYSTEM_NAMES.join(", ")}), and ${NPM_PACKAGE} is not installed or not for this platform.`;
	throw new Error(`The browser tests need a Chromium.\n${tried}\n${WHAT_TO_DO}`);
}
