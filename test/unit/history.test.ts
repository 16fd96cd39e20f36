import type { APIMessage } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { snowflakeAt, timeOf } from "../../src/domain/snowflake";
import { fetchHistory } from "../../src/summarizer/history";

const NOW = Date.UTC(2026, 10, 22, 12);
const WEEK = 7 * 24 * 3_600_000;

/** A channel of `count` messages, one every `everyMs` up to NOW, paged as Discord pages. */
function channel(count: number, everyMs: number) {
	const ids = Array.from({ length: count }, (_, i) => snowflakeAt(NOW - (count - i) * everyMs) + BigInt(i % 4096));
	const requests: string[] = [];
	const get = async <T>(path: string): Promise<T> => {
		requests.push(path);
		const query = new URL(path, "http://x").searchParams;
		const limit = Number(query.get("limit") ?? 50);
		let page: bigint[];
		if (query.has("before")) page = ids.filter((id) => id < BigInt(query.get("before")!)).slice(-limit);
		else if (query.has("after")) page = ids.filter((id) => id > BigInt(query.get("after")!)).slice(0, limit);
		else page = ids.slice(-limit);
		return page.reverse().map((id) => ({ id: id.toString() }) as APIMessage) as T;
	};
	return { ids, get, requests };
}

const asIds = (messages: APIMessage[]) => messages.map((m) => BigInt(m.id));

describe("fetchHistory", () => {
	it("a small count is one page, oldest first", async () => {
		const { ids, get, requests } = channel(500, 60_000);
		expect(asIds(await fetchHistory("1", { kind: "count", messages: 100 }, NOW, { get }))).toEqual(ids.slice(-100));
		expect(requests).toHaveLength(1);
	});

	it("a large count reads parallel windows and returns exactly the newest messages", async () => {
		const { ids, get, requests } = channel(12_000, 30_000);
		const progress: number[] = [];
		const messages = await fetchHistory("1", { kind: "count", messages: 10_000 }, NOW, { get, onProgress: (n) => progress.push(n) });
		expect(asIds(messages)).toEqual(ids.slice(-10_000));
		// 100 pages hold 10,000 messages; the oldest segment's reach past them costs a few more.
		expect(requests.length).toBeLessThan(112);
		expect(progress.at(-1)).toBe(10_000);
	});

	it("a count larger than the channel returns the whole channel", async () => {
		const { ids, get } = channel(250, 1000);
		expect(asIds(await fetchHistory("1", { kind: "count", messages: 5000 }, NOW, { get }))).toEqual(ids);
	});

	it("irregular pace: the windows fall short and the walk back completes the count", async () => {
		const busy = channel(300, 10);
		const ids = [...channel(3000, 3_600_000).ids.slice(0, 2700), ...busy.ids];
		const merged = async <T>(path: string): Promise<T> => {
			const query = new URL(path, "http://x").searchParams;
			const limit = Number(query.get("limit"));
			const page = query.has("before")
				? ids.filter((id) => id < BigInt(query.get("before")!)).slice(-limit)
				: ids.filter((id) => id > BigInt(query.get("after")!)).slice(0, limit);
			return page.reverse().map((id) => ({ id: id.toString() })) as T;
		};
		expect(asIds(await fetchHistory("1", { kind: "count", messages: 1000 }, NOW, { get: merged }))).toEqual(ids.slice(-1000));
	});

	it("a dense stretch under a sparse week is read by parallel segments, not page by page", async () => {
		// The newest page says one message every ~10 minutes, so the first wave's newest segment takes in
		// all 9,000 older messages, 3 s apart.
		const dense = channel(9000, 3000).ids.map((id) => id - (snowflakeAt(NOW) - snowflakeAt(NOW - WEEK)));
		const sparse = channel(1000, WEEK / 1000).ids;
		const ids = [...dense, ...sparse];
		// Pages of the dense stretch in flight at once, each answered a tick after it is asked.
		let inFlight = 0;
		let mostInFlight = 0;
		const get = async <T>(path: string): Promise<T> => {
			const before = BigInt(new URL(path, "http://x").searchParams.get("before")!);
			const page = ids.filter((id) => id < before).slice(-100);
			const isDense = page.some((id) => id <= dense.at(-1)!);
			if (isDense) mostInFlight = Math.max(mostInFlight, ++inFlight);
			await new Promise((resolve) => setTimeout(resolve, 0));
			if (isDense) inFlight--;
			return page.reverse().map((id) => ({ id: id.toString() })) as T;
		};
		expect(asIds(await fetchHistory("1", { kind: "count", messages: 10_000 }, NOW, { get }))).toEqual(ids.slice(-10_000));
		expect(mostInFlight).toBe(4);
	});

	it("a time range keeps messages from its start to the request, at most its cap", async () => {
		const { ids, get } = channel(2000, 60_000);
		const since = await fetchHistory("1", { kind: "since", seconds: 3600, maxMessages: 10_000 }, NOW, { get });
		expect(asIds(since)).toEqual(ids.filter((id) => timeOf(id) >= NOW - 3_600_000));
		const capped = await fetchHistory("1", { kind: "since", seconds: 24 * 3600, maxMessages: 50 }, NOW, { get });
		expect(asIds(capped)).toEqual(ids.slice(-50));
	});

	it("'from here' starts at the target message, included", async () => {
		const { ids, get } = channel(1000, 60_000);
		const target = ids[400];
		expect(asIds(await fetchHistory("1", { kind: "from", messageId: target.toString() }, NOW, { get }))).toEqual(ids.slice(400));
	});

	it("leaves out messages sent after the request", async () => {
		const { ids, get } = channel(300, 60_000);
		expect(asIds(await fetchHistory("1", { kind: "count", messages: 100 }, NOW - 30 * 60_000, { get }))).toEqual(
			ids.filter((id) => timeOf(id) <= NOW - 30 * 60_000).slice(-100),
		);
	});

	it("ends at the channel's newest message when the member asked, though the job reads later", async () => {
		const { ids, get } = channel(300, 60_000);
		const newest = ids[249];
		// Fifty messages came between the member's request and the moment its job's clock says.
		const read = await fetchHistory("1", { kind: "count", messages: 100 }, NOW, { get, newestId: newest.toString() });
		expect(asIds(read)).toEqual(ids.slice(150, 250));
	});

	it("an empty channel gives nothing", async () => {
		const { get } = channel(0, 1);
		expect(await fetchHistory("1", { kind: "count", messages: 100 }, NOW, { get })).toEqual([]);
	});
});
