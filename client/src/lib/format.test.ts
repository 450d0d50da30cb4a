// Goal: integer minor units become the right amount for each currency's decimals.
import { describe, expect, it } from "vitest";
import { formatDateTime, formatMoney } from "./format.js";

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
