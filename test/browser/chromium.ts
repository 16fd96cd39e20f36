// Debian's Chromium, driven by playwright-core: the browser tests never download a browser of their own.
import { chromium, type Browser } from "playwright-core";

const EXECUTABLE = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: EXECUTABLE,
		headless: true,
		// The machine's network is closed: without these, Chromium keeps trying to reach Google's hosts.
		args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
	});
}
