// Goal: integer minor units become the right amount for each currency's decimals.
import { describe, expect, it } from "vitest";
import {
  shortId,
  formatAgo,
  formatClockTime,
  formatCountdown,
  formatDateTime,
  formatDuration,
  formatHourMinute,
  formatMoney,
  formatWait,
  spokenCountdown,
} from "./format.js";

/** Intl puts non-breaking and narrow spaces between parts; compare them as plain spaces. */
const plain = (s: string | null): string | null => s?.replace(/\s/g, " ") ?? null;

describe("formatMoney", () => {
  it("uses the currency's minor units", () => {
    expect(formatMoney(4500, "USD", "en-US")).toBe("$45.00");
    expect(formatMoney(1250, "JPY", "en-US")).toBe("¥1,250");
    expect(plain(formatMoney(1234, "KWD", "en-US"))).toBe("KWD 1.234");
    expect(plain(formatMoney(1999, "EUR", "de-DE"))).toBe("19,99 €");
  });
});

describe("formatDateTime", () => {
  it("formats in the given zone and names it", () => {
    expect(plain(formatDateTime("2030-03-14T19:00:00Z", "en-US", "UTC"))).toBe("Thu, Mar 14, 2030, 7:00 PM UTC");
  });

  it("has nothing to say about missing or broken dates", () => {
    expect(formatDateTime(null)).toBeNull();
    expect(formatDateTime("not a date")).toBeNull();
  });
});

describe("countdowns and waits", () => {
  it("draws mm:ss, h:mm:ss and days", () => {
    expect(formatCountdown(65_000)).toBe("01:05");
    expect(formatCountdown(400)).toBe("00:01");
    expect(formatCountdown(-5)).toBe("00:00");
    expect(formatCountdown(3_723_000)).toBe("1:02:03");
    expect(formatCountdown(2 * 86_400_000 + 3 * 3_600_000)).toBe("2 days 3 h");
  });

  it("speaks in whole minutes so a live region changes once a minute", () => {
    expect(spokenCountdown(0)).toBe("Time is up.");
    expect(spokenCountdown(59_000)).toBe("Less than a minute left.");
    expect(spokenCountdown(60_001)).toBe("About 2 minutes left.");
    expect(spokenCountdown(119_000)).toBe(spokenCountdown(61_000));
    expect(spokenCountdown(5 * 3_600_000)).toBe("About 5 hours left.");
  });

  it("words an ETA, and has no words for an unknown one", () => {
    expect(formatWait(null)).toBeNull();
    expect(formatWait(20)).toBe("less than a minute");
    expect(formatWait(89)).toBe("about 1 minute");
    expect(formatWait(600)).toBe("about 10 minutes");
    expect(formatWait(7200)).toBe("about 2 hours");
  });
});

describe("formatDuration", () => {
  it("words a length of time exactly, never rounding seconds up to a minute", () => {
    expect(formatDuration(5)).toBe("5 s");
    expect(formatDuration(20)).toBe("20 s");
    expect(formatDuration(59)).toBe("59 s");
    expect(formatDuration(60)).toBe("1 min");
    expect(formatDuration(61)).toBe("1 min 1 s");
    expect(formatDuration(90)).toBe("1 min 30 s");
    expect(formatDuration(300)).toBe("5 min");
    expect(formatDuration(3_599)).toBe("59 min 59 s");
    expect(formatDuration(3_600)).toBe("1 h");
    expect(formatDuration(5_430)).toBe("1 h 30 min");
  });

  it("never goes below zero or shows fractions", () => {
    expect(formatDuration(-3)).toBe("0 s");
    expect(formatDuration(20.9)).toBe("20 s");
  });
});

describe("formatClockTime", () => {
  const now = Date.parse("2030-03-14T21:00:00Z");
  it("gives the time to the second, with the date when it isn't today", () => {
    expect(formatClockTime("2030-03-14T20:31:05Z", now, "en-GB", "UTC")).toBe("20:31:05");
    expect(plain(formatClockTime("2030-03-13T20:31:05Z", now, "en-US", "UTC"))).toBe("Mar 13, 20:31:05");
    expect(formatClockTime("nonsense", now)).toBe("nonsense");
  });
});

describe("formatAgo", () => {
  it("counts up in words", () => {
    const now = Date.parse("2030-03-14T21:00:00Z");
    expect(formatAgo(now - 500, now)).toBe("just now");
    expect(formatAgo(now - 12_000, now)).toBe("12 s ago");
    expect(formatAgo(now - 300_000, now)).toBe("5 min ago");
  });
});

describe("shortId", () => {
  it("keeps the random end of a UUIDv7", () => {
    expect(shortId("01a2009c-0b1e-7000-8e3f-5b1d2c3a4f6e")).toBe("2c3a4f6e");
  });
});

describe("formatHourMinute", () => {
  it("says the time of day to the minute, 24-hour, and leaves what it can't read", () => {
    expect(formatHourMinute("2030-03-14T19:05:59Z", "en-GB", "UTC")).toBe("19:05");
    expect(formatHourMinute("2030-03-14T07:00:00Z", "en-US", "UTC")).toBe("07:00");
    expect(formatHourMinute("soon", "en-US", "UTC")).toBe("soon");
  });
});
