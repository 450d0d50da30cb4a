// Goal: short codes use only the unambiguous alphabet, always have ten characters, show in two
// groups of five, and read back whatever way a steward types them (case, dashes, spaces, O/I/L).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  formatShortCode,
  normalizeShortCode,
  shortCodeAlphabet,
  shortCodeFromBytes,
  shortCodeLength,
} from "./short-code.js";

const anyCode = fc.uint8Array({ minLength: shortCodeLength, maxLength: shortCodeLength }).map(shortCodeFromBytes);

describe("short codes", () => {
  it("use Crockford's base32 without I, L, O or U: 32 distinct characters", () => {
    expect(shortCodeAlphabet).toHaveLength(32);
    expect(new Set(shortCodeAlphabet).size).toBe(32);
    expect(shortCodeAlphabet).not.toMatch(/[ILOU]/);
  });

  it("have ten characters of the alphabet, every value reachable", () => {
    fc.assert(
      fc.property(
        anyCode,
        (code) => code.length === shortCodeLength && [...code].every((c) => shortCodeAlphabet.includes(c)),
      ),
    );
    const seen = [0, 1, 2, 3]
      .map((k) => shortCodeFromBytes(Uint8Array.from({ length: 10 }, (_, i) => 10 * k + i)))
      .join("");
    expect(new Set(seen).size).toBe(32);
    expect(shortCodeFromBytes(Uint8Array.from([0, 31, 32, 63, 64, 255, 1, 2, 3, 4]))).toBe("0Z0Z0Z1234");
  });

  it("show as two groups of five", () => {
    expect(formatShortCode("K7QM2XPD9C")).toBe("K7QM2-XPD9C");
  });

  it("read back however they are typed", () => {
    fc.assert(
      fc.property(anyCode, fc.boolean(), fc.constantFrom("", "-", " ", " - ", "  "), (code, lower, sep) => {
        const shown = formatShortCode(code).replace("-", sep);
        return normalizeShortCode(lower ? shown.toLowerCase() : shown) === code;
      }),
    );
    expect(normalizeShortCode(" k7qm2-xpd9c ")).toBe("K7QM2XPD9C");
    expect(normalizeShortCode("K7QM 2XPD 9C")).toBe("K7QM2XPD9C");
  });

  it("read O as 0 and I or L as 1", () => {
    expect(normalizeShortCode("OoIiLl-0011")).toBe("0011110011");
  });

  it("refuse what cannot be a code: wrong length, U, other characters, a QR payload", () => {
    for (const bad of ["", "K7QM2-XPD9", "K7QM2-XPD9CC", "K7QM2-XPD9U", "K7QM2-XPD9!", "K7QM2.XPD9C", "SP1.abc.def"]) {
      expect(normalizeShortCode(bad), bad).toBeNull();
    }
  });
});
