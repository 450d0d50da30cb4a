// Presale and promo codes, the pure part: how a typed code is read, how one is made, whether a
// code may be used for a hold now, and what a promo code takes off a price. The code's uses are
// the ledger's (ledger-plans.ts: a code account funded with its uses, one held per order).
import type { CodeKind, CodeRefusalReason } from "../api/codes.js";

/** Letters and digits nobody misreads: no 0/O, no 1/I/L. */
export const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/** Random characters of a generated code after its prefix (31^10 ≈ 8·10^14 codes). */
export const codeRandomLength = 10;
const codeShape = /^[0-9A-Z]{4,32}$/;

/** A code as typed (any case, spaces and dashes between groups) in its stored form; null if it cannot be one. */
export function normalizeCode(typed: string): string | null {
  const code = typed.replace(/[\s-]+/g, "").toUpperCase();
  return codeShape.test(code) ? code : null;
}

/** A new code: the prefix, then random characters; `random` gives n random bytes (crypto's in production). */
export function newCode(prefix: string, random: (n: number) => Uint8Array): string {
  // 248 = 8·31: bytes at or above it are dropped so every character is equally likely.
  let out = prefix;
  while (out.length < prefix.length + codeRandomLength) {
    for (const b of random(codeRandomLength * 2)) {
      if (b < 248 && out.length < prefix.length + codeRandomLength) out += codeAlphabet[b % 31];
    }
  }
  return out;
}

export interface CodeRule {
  eventId: string;
  kind: CodeKind;
  percentOff: number | null;
  tierId: string | null;
  validFromMs: number | null;
  validUntilMs: number | null;
}

export interface CodeUse {
  eventId: string;
  nowMs: number;
  /** The event's presale window is open: only presale codes open the checkout now. */
  presaleOpen: boolean;
  tierIds: readonly string[];
}

/** Why this code cannot be used for this hold now; null: it can (its uses are the ledger's to check). */
export function codeRefusal(rule: CodeRule, use: CodeUse): CodeRefusalReason | null {
  if (rule.eventId !== use.eventId) return "other_event";
  if (rule.validFromMs !== null && use.nowMs < rule.validFromMs) return "outside_window";
  if (rule.validUntilMs !== null && use.nowMs >= rule.validUntilMs) return "outside_window";
  if (rule.kind === "presale" && !use.presaleOpen) return "presale_over";
  if (rule.kind === "promo" && use.presaleOpen) return "presale_only";
  if (rule.tierId !== null && !use.tierIds.includes(rule.tierId)) return "wrong_tier";
  return null;
}

/** A tier's price with a promo code's percentage off, rounded to the cent (half up). */
export function discountedCents(priceCents: number, percentOff: number | null): number {
  if (percentOff === null) return priceCents;
  return Math.round((priceCents * (100 - percentOff)) / 100);
}

/** The presale window is open: the sale is on and its presale has not ended. */
export function presaleOpen(endsAtMs: number | null, nowMs: number): boolean {
  return endsAtMs !== null && nowMs < endsAtMs;
}
