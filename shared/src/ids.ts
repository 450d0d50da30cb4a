// Ids: UUIDv7 (time-ordered) strings everywhere; the ledger sees the same 128 bits as a bigint.
// Browser-safe: only globalThis.crypto.
import { assert } from "./assert.js";

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

let lastMs = 0;
let seq = 0;

/** A UUIDv7: 48-bit ms timestamp, then a 12-bit counter within the ms, then random bits. */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  if (nowMs <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1; // counter wrapped: borrow the next millisecond to stay ordered
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    seq = 0;
  }
  const ms = BigInt(nowMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | ((seq >> 8) & 0x0f);
  bytes[7] = seq & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A UUID as this system writes it (lowercase hex); anything else names nothing here. */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** The 128 bits of a UUID as an unsigned bigint (a ledger id). */
export function uuidToU128(uuid: string): bigint {
  assert(isUuid(uuid), `not a uuid: ${uuid}`);
  return BigInt(`0x${uuid.replaceAll("-", "")}`);
}

export function u128ToUuid(value: bigint): string {
  assert(value >= 0n && value < 1n << 128n, "u128 out of range");
  const h = value.toString(16).padStart(32, "0");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
