// A ticket's short code: what a steward types at the door when the QR will not scan. Ten
// characters of Crockford's base32 (digits and letters without I, L, O and U, so nothing reads
// as something else), shown as two groups of five: "K7QM2-XPD9C". What a person types is read
// forgivingly — any case, with or without dashes or spaces, O for 0, I or L for 1.
//
// Every character is random (the server draws them from a CSPRNG), so a code carries
// 10 × 5 = 50 bits: 32^10 ≈ 1.1e15 codes. Even with 10 million live tickets, one guess hits a
// ticket with odds of 1e7 / 1.1e15 ≈ 1 in 110 million; at the check-in limit of
// `checkinShortCodeMissesPerMinuteMax` (20) unknown codes per minute per account, a year of
// guessing non-stop (≈ 1.05e7 guesses) finds about 0.09 tickets. Pure; safe in the browser.
import { assert } from "../assert.js";

/** Crockford's base32 alphabet: the value of a character is its index. */
export const shortCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Characters in a short code (all random: 5 bits each). */
export const shortCodeLength = 10;
/** Characters per group when shown: two groups of five. */
const groupLength = 5;

/** Look-alikes a person may type for a character of the alphabet. */
const confusables: Record<string, string> = { O: "0", I: "1", L: "1" };

/** The short code a person typed, in canonical form (10 characters, no dashes), or null when it cannot be one. */
export function normalizeShortCode(typed: string): string | null {
  const squeezed = typed.toUpperCase().replace(/[\s-]+/g, "");
  if (squeezed.length !== shortCodeLength) return null;
  let canonical = "";
  for (const ch of squeezed) {
    const c = confusables[ch] ?? ch;
    if (!shortCodeAlphabet.includes(c)) return null;
    canonical += c;
  }
  return canonical;
}

/** The canonical code as shown to people: "K7QM2-XPD9C". */
export function formatShortCode(canonical: string): string {
  const groups: string[] = [];
  for (let i = 0; i < canonical.length; i += groupLength) groups.push(canonical.slice(i, i + groupLength));
  return groups.join("-");
}

/** A code from `shortCodeLength` random bytes (each taken mod 32: 256 is a multiple of 32, so unbiased). */
export function shortCodeFromBytes(bytes: Uint8Array): string {
  assert(bytes.length >= shortCodeLength, `a short code needs ${shortCodeLength} random bytes`);
  let code = "";
  for (let i = 0; i < shortCodeLength; i++) code += shortCodeAlphabet[bytes[i]! & 31];
  return code;
}
