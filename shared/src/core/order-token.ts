// The private order token: shown in the hold answer and the order link, stored only as its
// SHA-256, compared in constant time. It is derived from the order id with a key made from
// SECRET_KEY, so a hold request retried after a crash (same Idempotency-Key, same order id) is
// answered with the same token the payment page's return link already carries — and the workers,
// which hold SECRET_KEY too, can put the order's link in its emails without the raw token ever
// being stored. Here in shared/ (not the server's services) because both processes derive it.
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export class OrderTokens {
  private readonly key: Buffer;
  constructor(secretKey: string) {
    this.key = Buffer.from(hkdfSync("sha256", secretKey, "stampede-order-tokens", "order-token", 32));
  }

  /** The token of an order and its stored hash. */
  of(orderId: string): { token: string; hash: string } {
    const token = createHmac("sha256", this.key).update(orderId).digest("base64url");
    return { token, hash: hashOrderToken(token) };
  }
}

/** The order page's address for whoever holds the token: in the fragment, as the payment page's
 * return link has it, so the token never reaches a server log or a Referer header. */
export function orderPageUrl(publicUrl: string, orderId: string, token: string): string {
  return `${publicUrl}/orders/${orderId}#token=${token}`;
}

export function hashOrderToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function orderTokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(hashOrderToken(token), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
