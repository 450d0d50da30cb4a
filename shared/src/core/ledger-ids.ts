// Deterministic ledger ids, computed the same way in the browser, the server and the workers.
//
// Accounts: FNV-1a over "stampede/v1/<kind>/<ledger>/<key>" into 128 bits. Any process can name
// an event's accounts without asking anyone, and creating them twice gives `exists`.
// Hold transfers: the upper 64 bits of the hold's UUIDv7 (its millisecond timestamp and counter,
// so ids stay time-ordered as TigerBeetle recommends) joined to the lower 64 bits of FNV-1a over
// "<holdId>/<slot>" — each transfer of a hold gets its own id, and a retry re-derives the same.
// FNV-1a is not collision-resistant against chosen inputs; the inputs here are server-made ids.
import { assert } from "../assert.js";
import { isUuid, uuidToU128 } from "../ids.js";

const fnvOffset = 0x6c62272e07bb014262b821756295c58dn;
const fnvPrime = 0x0000000001000000000000000000013bn;
const mask128 = (1n << 128n) - 1n;
const mask64 = (1n << 64n) - 1n;
const encoder = new TextEncoder();

/** 128-bit FNV-1a of the UTF-8 bytes of text. Pure, browser-safe. */
export function fnv1a128(text: string): bigint {
  let hash = fnvOffset;
  for (const byte of encoder.encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * fnvPrime) & mask128;
  }
  return hash;
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
  | "allowance_used";

/** The id of an event's account of this kind; key is the tier, perk or fan it belongs to ("" for event-wide ones). */
export function accountId(kind: AccountKind, ledger: number, key = ""): bigint {
  assert(Number.isInteger(ledger) && ledger > 0 && ledger <= 0xffff_ffff, `bad ledger ${ledger}`);
  return checked(fnv1a128(`stampede/v1/${kind}/${ledger}/${key}`), kind);
}

/** A setup transfer's id (funding a budget): one per (kind, ledger, key), so setup can be re-run. */
export function setupTransferId(kind: string, ledger: number, key: string): bigint {
  return checked(fnv1a128(`stampede/v1/transfer/${kind}/${ledger}/${key}`), kind);
}

/** A transfer id derived from a parent UUID (a hold, an order) and a slot name, time-ordered like the parent. */
export function childTransferId(parentUuid: string, slot: string): bigint {
  assert(isUuid(parentUuid), `not a uuid: ${parentUuid}`);
  const upper = uuidToU128(parentUuid) >> 64n;
  return checked((upper << 64n) | (fnv1a128(`${parentUuid}/${slot}`) & mask64), slot);
}

/** user_data_128 for a reference: the UUID's bits, or 0 when the reference is not a UUID. */
export function referenceBits(ref: string): bigint {
  return isUuid(ref) ? uuidToU128(ref) : 0n;
}
