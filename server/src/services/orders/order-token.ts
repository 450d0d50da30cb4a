// The private order token: shown once (in the hold answer and the order link), stored only as
// its SHA-256, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function newOrderToken(): { token: string; hash: string } {
  const token = randomBytes(24).toString("base64url");
  return { token, hash: hashOrderToken(token) };
}

export function hashOrderToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function orderTokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(hashOrderToken(token), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
