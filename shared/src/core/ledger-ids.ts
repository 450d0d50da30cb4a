// Deterministic ledger ids, computed the same way in the browser, the server and the workers.
//
// Accounts: FNV-1a over "stampede/v1/<kind>/<ledger>/<key>" into 128 bits. Any process can name
// an event's accounts without asking anyone, and creating them twice gives `exists`.
// Hold transfers: the upper 64 bits of the hold's UUIDv7 (its millisecond timestamp and counter,
// so ids stay time-ordered as TigerBeetle recommends) joined to the lower 64 bits of FNV-1a over
// "<holdId>/<slot>" — each transfer of a hold gets its own id, and a retry re-derives the same.
// FNV-1a is not collision-resistant against chosen inputs; the inputs here are server-made ids.
import { assert } from "../assert.js";
import { isUuid, u128ToUuid, uuidToU128 } from "../ids.js";

const mask128 = (1n << 128n) - 1n;
const mask64 = (1n << 64n) - 1n;
const encoder = new TextEncoder();

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * 128-bit FNV-1a of the UTF-8 bytes of text. Pure, browser-safe. Computed on eight 16-bit limbs
 * held in locals (a BigInt multiply per byte is several times slower, and this runs for every
 * id of every hold): the prime is 2^88 + 0x13b, so h·prime = h·0x13b + (h << 88).
 */
export function fnv1a128(text: string): bigint {
  const bytes = isAscii(text) ? null : encoder.encode(text); // ASCII: the chars are the bytes
  const length = bytes === null ? text.length : bytes.length;
  // The offset basis 0x6c62272e07bb014262b821756295c58d, least significant limb first.
  let h0 = 0xc58d,
    h1 = 0x6295,
    h2 = 0x2175,
    h3 = 0x62b8,
    h4 = 0x0142,
    h5 = 0x07bb,
    h6 = 0x272e,
    h7 = 0x6c62;
  for (let i = 0; i < length; i++) {
    h0 ^= bytes === null ? text.charCodeAt(i) : bytes[i]!;
    // (h << 88) touches limbs 5..7 only, fed by limbs 0..2.
    const s5 = (h0 << 8) & 0xffff;
    const s6 = ((h1 << 8) | (h0 >>> 8)) & 0xffff;
    const s7 = ((h2 << 8) | (h1 >>> 8)) & 0xffff;
    let v = h0 * 0x13b;
    h0 = v & 0xffff;
    v = h1 * 0x13b + (v >>> 16);
    h1 = v & 0xffff;
    v = h2 * 0x13b + (v >>> 16);
    h2 = v & 0xffff;
    v = h3 * 0x13b + (v >>> 16);
    h3 = v & 0xffff;
    v = h4 * 0x13b + (v >>> 16);
    h4 = v & 0xffff;
    v = h5 * 0x13b + (v >>> 16) + s5;
    h5 = v & 0xffff;
    v = h6 * 0x13b + (v >>> 16) + s6;
    h6 = v & 0xffff;
    v = h7 * 0x13b + (v >>> 16) + s7;
    h7 = v & 0xffff;
  }
  const word = (hi: number, lo: number) => BigInt(((hi << 16) | lo) >>> 0);
  return (word(h7, h6) << 96n) | (word(h5, h4) << 64n) | (word(h3, h2) << 32n) | word(h1, h0);
}

function checked(id: bigint, what: string): bigint {
  assert(id !== 0n && id !== mask128, `reserved ledger id for ${what}`);
  return id;
}

export type AccountKind =
  | "operator"
  | "budget"
  | "spent"
  | "perk_budget"
  | "perk_granted"
  | "issuer"
  | "allowance"
  | "allowance_used"
  | "listing"
  | "listing_sink"
  | "code"
  | "code_used";

// Every hold names the same few accounts again: remember recent names (bounded, so a long sale
// with many fans cannot grow it without limit; dropping it all at once is fine — it is a cache).
const memoEntriesMax = 50_000;
const memo = new Map<string, bigint>();

function named(text: string, what: string): bigint {
  let id = memo.get(text);
  if (id === undefined) {
    id = checked(fnv1a128(text), what);
    if (memo.size >= memoEntriesMax) memo.clear();
    memo.set(text, id);
  }
  return id;
}

/** The id of an event's account of this kind; key is the tier, perk or fan it belongs to ("" for event-wide ones). */
export function accountId(kind: AccountKind, ledger: number, key = ""): bigint {
  assert(Number.isInteger(ledger) && ledger > 0 && ledger <= 0xffff_ffff, `bad ledger ${ledger}`);
  return named(`stampede/v1/${kind}/${ledger}/${key}`, kind);
}

/** A setup transfer's id (funding a budget): one per (kind, ledger, key), so setup can be re-run. */
export function setupTransferId(kind: string, ledger: number, key: string): bigint {
  return named(`stampede/v1/transfer/${kind}/${ledger}/${key}`, kind);
}

/** A transfer id derived from a parent UUID (a hold, an order) and a slot name, time-ordered like the parent. */
export function childTransferId(parentUuid: string, slot: string, parentBits: bigint = uuidToU128(parentUuid)): bigint {
  return checked(((parentBits >> 64n) << 64n) | (fnv1a128(`${parentUuid}/${slot}`) & mask64), slot);
}

/**
 * The hold that re-books a late payment, derived from the order: every retry of the payment
 * (after a failed commit, a crash, a re-delivered webhook) names the same hold, so the ledger
 * answers `exists` instead of booking the tickets a second time.
 */
export function lateHoldId(orderId: string): string {
  return u128ToUuid(childTransferId(orderId, "late"));
}

/** user_data_128 for a reference: the UUID's bits, or 0 when the reference is not a UUID. */
export function referenceBits(ref: string): bigint {
  return isUuid(ref) ? uuidToU128(ref) : 0n;
}
