// What a local dev server's processes use, read from /proc (Linux): CPU time and resident memory of every
// process in a process group. `wrangler dev` runs in a group of its own (see startWrangler): its Node
// process, its esbuild service and its two workerd processes (a proxy on the public port, and the app).
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessUsage {
	pid: number;
	comm: string;
	cmdline: string;
	cpuSeconds: number;
	rssBytes: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

function read(path: string): string | undefined {
	try {
		return readFileSync(path, "utf8");
	} catch {
		// the process ended meanwhile
		return undefined;
	}
}

function usage(pid: number, pgid: number): ProcessUsage | undefined {
	const stat = read(`/proc/${pid}/stat`);
	if (!stat) return undefined;
	const close = stat.lastIndexOf(")");
	// Fields after the command: state, ppid, pgrp, …, utime (12th), stime (13th).
	const fields = stat.slice(close + 2).split(" ");
	if (Number(fields[2]) !== pgid) return undefined;
	const rssKb = Number(read(`/proc/${pid}/status`)?.match(/^VmRSS:\s+(\d+) kB$/m)?.[1] ?? 0);
	return {
		pid,
		comm: stat.slice(stat.indexOf("(") + 1, close),
		cmdline: read(`/proc/${pid}/cmdline`)?.replaceAll("\0", " ") ?? "",
		cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND,
		rssBytes: rssKb * 1024,
	};
}

/** Every live process of the group `pgid`. */
export function groupProcesses(pgid: number): ProcessUsage[] {
	return readdirSync("/proc")
		.filter((name) => /^\d+$/.test(name))
		.flatMap((name) => usage(Number(name), pgid) ?? []);
}

/**
 * Whether a process of a `wrangler dev` group is the workerd that runs the app (the Worker, its Durable
 * Objects, Queue and D1), not wrangler's proxy workerd, whose socket is the public port.
 */
export function isAppWorkerd(process: ProcessUsage, publicPort: number): boolean {
	return process.comm.startsWith("workerd") && !process.cmdline.includes(`:${publicPort}`);
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Resident memory, in MiB, of the group's app workerd and of wrangler's proxy workerd. */
export function workerdRssMiB(pgid: number, publicPort: number): { app: number; proxy: number } {
	const rss = { app: 0, proxy: 0 };
	for (const process of groupProcesses(pgid)) {
		if (process.comm.startsWith("workerd")) rss[isAppWorkerd(process, publicPort) ? "app" : "proxy"] += process.rssBytes;
	}
	return { app: mib(rss.app), proxy: mib(rss.proxy) };
}
