// The pre-queue lottery: a verifiable shuffle. When the pre-queue opens, the server draws a secret
// seed and publishes only its SHA-256; at opening it orders fans by HMAC-SHA256(seed, fanPublicId)
// and then publishes the seed, so anyone can recompute every key and check the order — and nobody,
// the operator included, could have steered a fan's place after the hash was out.
// Browser-safe (globalThis.crypto.subtle), so the transparency board can verify in the browser.
import { assert } from "../assert.js";
import { lotterySeedBytes, lotterySeedBytesMin } from "../limits.js";

const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function seedBytes(seedHex: string): Uint8Array<ArrayBuffer> {
  assert(/^(?:[0-9a-f]{2})+$/i.test(seedHex), "lottery seed must be hex");
  const bytes = new Uint8Array(seedHex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(seedHex.slice(2 * i, 2 * i + 2), 16);
  assert(bytes.length >= lotterySeedBytesMin, `lottery seed shorter than ${lotterySeedBytesMin} bytes`);
  return bytes;
}

function hmacKey(seedHex: string): ReturnType<typeof globalThis.crypto.subtle.importKey> {
  return globalThis.crypto.subtle.importKey("raw", seedBytes(seedHex), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
}

/** A fresh secret seed (hex). Keep it secret until the opening; publish seedHash(seed) now. */
export function newLotterySeed(): string {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(lotterySeedBytes)));
}

/** SHA-256 (hex) of the seed's bytes: the commitment published when the pre-queue opens. */
export async function seedHash(seedHex: string): Promise<string> {
  return toHex(await globalThis.crypto.subtle.digest("SHA-256", seedBytes(seedHex)));
}

/** A fan's lottery key: hex HMAC-SHA256 keyed by the seed over the fan's public id (UTF-8). */
export async function lotteryKey(seedHex: string, fanPublicId: string): Promise<string> {
  const key = await hmacKey(seedHex);
  return toHex(await globalThis.crypto.subtle.sign("HMAC", key, encoder.encode(fanPublicId)));
}

/** Fans ordered by lottery key (ties cannot happen with distinct ids, but would break by id). */
export async function lotteryOrder(seedHex: string, fanPublicIds: readonly string[]): Promise<string[]> {
  assert(new Set(fanPublicIds).size === fanPublicIds.length, "duplicate fan ids in a lottery");
  const key = await hmacKey(seedHex);
  const keyed = await Promise.all(
    fanPublicIds.map(async (id) => ({
      id,
      key: toHex(await globalThis.crypto.subtle.sign("HMAC", key, encoder.encode(id))),
    })),
  );
  // Equal-length hex compares like the numbers it spells.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return keyed.map((k) => k.id);
}
