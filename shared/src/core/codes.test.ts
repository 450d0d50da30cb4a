// Codes' pure rules: a typed code reads back as stored whatever its case and grouping; made codes
// use only the unambiguous alphabet and are evenly spread; each refusal has its one cause; a
// percentage off never goes below zero or above the price.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  codeAlphabet,
  codeRefusal,
  discountedCents,
  newCode,
  normalizeCode,
  presaleOpen,
  type CodeRule,
} from "./codes.js";

const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(Math.random() * 256));

describe("codes", () => {
  it("reads a typed code back as made, in any case and grouping; refuses what cannot be one", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 6 }).map((p) => p.replace(/[^A-Z0-9]/gi, "")),
        (prefix) => {
          const code = newCode(prefix.toUpperCase(), bytes);
          const typed = `${code.slice(0, 4)}-${code.slice(4)} `.toLowerCase();
          expect(normalizeCode(typed)).toBe(code);
        },
      ),
    );
    for (const bad of ["", "ab", "ÄBCDEFGH", "CODE;DROP", "A".repeat(33)]) expect(normalizeCode(bad)).toBeNull();
  });

  it("makes codes from the alphabet alone, every character equally likely (bytes 248+ dropped)", () => {
    expect(codeAlphabet).toHaveLength(31);
    expect(codeAlphabet).not.toMatch(/[01ILO]/);
    const perChar = new Map<string, number>();
    for (let b = 0; b < 248; b++) {
      const code = newCode("", (n) => new Uint8Array(n).fill(b));
      expect(code).toBe(codeAlphabet[b % 31]!.repeat(10));
      perChar.set(code[0]!, (perChar.get(code[0]!) ?? 0) + 1);
    }
    expect([...perChar.values()]).toEqual(new Array(31).fill(8));
    const high = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 255 : 31));
    expect(newCode("VIP", high)).toBe(`VIP${codeAlphabet[0]!.repeat(10)}`);
  });

  it("says why a code cannot be used, one cause each", () => {
    const rule: CodeRule = {
      eventId: "e",
      kind: "promo",
      percentOff: 10,
      tierId: "vip",
      validFromMs: 1_000,
      validUntilMs: 2_000,
    };
    const use = { eventId: "e", nowMs: 1_500, presaleOpen: false, tierIds: ["vip"] };
    expect(codeRefusal(rule, use)).toBeNull();
    expect(codeRefusal(rule, { ...use, eventId: "f" })).toBe("other_event");
    expect(codeRefusal(rule, { ...use, nowMs: 999 })).toBe("outside_window");
    expect(codeRefusal(rule, { ...use, nowMs: 2_000 })).toBe("outside_window");
    expect(codeRefusal(rule, { ...use, presaleOpen: true })).toBe("presale_only");
    expect(codeRefusal(rule, { ...use, tierIds: ["ga"] })).toBe("wrong_tier");
    const presale: CodeRule = { ...rule, kind: "presale", percentOff: null, tierId: null };
    expect(codeRefusal(presale, { ...use, presaleOpen: true })).toBeNull();
    expect(codeRefusal(presale, use)).toBe("presale_over");
  });

  it("takes a percentage off within [0, price], and nothing without one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 100 }), (price, pct) => {
        const off = discountedCents(price, pct);
        expect(off).toBeGreaterThanOrEqual(0);
        expect(off).toBeLessThanOrEqual(price);
        expect(Math.abs(off - (price * (100 - pct)) / 100)).toBeLessThanOrEqual(0.5);
      }),
    );
    expect(discountedCents(1_999, null)).toBe(1_999);
    expect(discountedCents(1_000, 100)).toBe(0);
    expect([presaleOpen(null, 0), presaleOpen(10, 9), presaleOpen(10, 10)]).toEqual([false, true, false]);
  });
});
