// When digests are due and what each one covers: pure functions of the time.
import { describe, expect, it } from "vitest";
import { DIGEST_STALE_MS, nextRunAt } from "../../src/domain/digest-schedule";
import { disabledReason } from "../../src/jobs/digest-job";
import { plan } from "../../src/jobs/digests-due";

const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute); // 2026-11-22 is a Sunday
const HOUR = 3_600_000;

describe("nextRunAt", () => {
	it("is the schedule's next hour, strictly after the time given", () => {
		expect(nextRunAt({ cadence: "daily", hourUtc: 9, weekday: null }, at(22, 8, 59))).toBe(at(22, 9));
		expect(nextRunAt({ cadence: "daily", hourUtc: 9, weekday: null }, at(22, 9))).toBe(at(23, 9));
		expect(nextRunAt({ cadence: "daily", hourUtc: 0, weekday: null }, at(30, 23, 30))).toBe(Date.UTC(2026, 11, 1, 0));
	});

	it("is on the schedule's weekday for a weekly digest", () => {
		expect(nextRunAt({ cadence: "weekly", hourUtc: 9, weekday: 1 }, at(22, 12))).toBe(at(23, 9));
		expect(nextRunAt({ cadence: "weekly", hourUtc: 9, weekday: 0 }, at(22, 8))).toBe(at(22, 9));
		expect(nextRunAt({ cadence: "weekly", hourUtc: 9, weekday: 0 }, at(22, 9))).toBe(at(29, 9));
		expect(new Date(nextRunAt({ cadence: "weekly", hourUtc: 23, weekday: 6 }, at(22, 0))).getUTCDay()).toBe(6);
	});
});

describe("plan", () => {
	const digest = {
		guildId: "1",
		channelId: "2",
		cadence: "daily" as const,
		hourUtc: 9,
		weekday: null,
		style: "bullets" as const,
		locale: "fr",
		lastRunAt: null,
		nextRunAt: new Date(at(22, 9)),
	};

	it("makes the period's job, with an id per period, and moves the digest past now", () => {
		expect(plan(digest, null, at(22, 9))).toEqual({
			next: at(23, 9),
			job: {
				kind: "digest",
				version: 1,
				id: `digest:1:2:${at(22, 9)}`,
				guildId: "1",
				channelId: "2",
				cadence: "daily",
				style: "bullets",
				locale: "fr",
				scheduledAt: at(22, 9),
				seconds: 86_400,
			},
		});
		expect(plan({ ...digest, cadence: "weekly", weekday: 0 }, "de", at(22, 9)).job).toMatchObject({ seconds: 7 * 86_400, locale: "de" });
	});

	it("covers the time since the last digest posted, at most 14 days", () => {
		expect(plan({ ...digest, lastRunAt: new Date(at(21, 15)) }, null, at(22, 9)).job?.seconds).toBe(18 * 3600);
		expect(plan({ ...digest, lastRunAt: new Date(at(1, 9)) }, null, at(22, 9)).job?.seconds).toBe(14 * 86_400);
	});

	it("skips a period that is too late to post, without catching up missed ones", () => {
		const late = plan(digest, null, at(22, 9) + DIGEST_STALE_MS + 1);
		expect(late).toEqual({ next: at(23, 9), job: null });
		expect(plan(digest, null, at(25, 10)).next).toBe(at(26, 9));
		expect(plan(digest, null, at(22, 9) + 2 * HOUR).job?.scheduledAt).toBe(at(22, 9));
	});
});

describe("disabledReason", () => {
	it("says what the bot needs, by the step Discord refused", () => {
		expect(disabledReason({ status: 403, code: 50013, while: "posting" }, "8", at(22, 9))).toBe(
			`I couldn't post in <#8>: I need **Send Messages** and **Embed Links** there (<t:${at(22, 9) / 1000}:f>).`,
		);
		expect(disabledReason({ status: 403, code: 50001, while: "reading" }, "8", at(22, 9))).toContain(
			"I couldn't read <#8>: I need **View Channel** and **Read Message History**",
		);
		expect(disabledReason({ status: 404, while: "posting" }, "8", at(22, 9))).toContain("<#8> no longer exists");
	});
});
