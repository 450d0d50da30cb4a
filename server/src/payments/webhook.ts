// The provider → shop webhook: body shape, and the signature both ends agree on.
// Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, several v1
// allowed (secret rotation). Verification is over the raw bytes received — never a re-serialized
// body — and only authenticates: replay protection is the shop's inbox keyed by event id.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { assert } from "@stampede/shared/assert";
import type { PaymentEvent, PaymentEventType } from "@stampede/shared/ports/payment-provider";
import {
  webhookSignatureHeaderLengthMax,
  webhookSignaturesMax,
  webhookToleranceSeconds,
} from "@stampede/shared/limits";

export const webhookSignatureHeader = "MockPay-Signature";

export const webhookEventTypes = [
  "payment.succeeded",
  "payment.failed",
  "payment.canceled",
  "refund.succeeded",
] as const satisfies readonly PaymentEventType[];
/** MockPay's event types are the shop's own: its body is the provider-agnostic PaymentEvent as is. */
export type WebhookEventType = PaymentEventType;

/** Provider ids are printable ASCII tokens (never a NUL, which PostgreSQL text cannot hold). */
export const providerTokenSchema = z.string().regex(/^[\x21-\x7e]{1,128}$/, "1–128 printable ASCII characters");

export const webhookEventSchema = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9]{1,64}$/),
  type: z.enum(webhookEventTypes),
  created: z.number().int().nonnegative(),
  data: z.object({
    sessionId: providerTokenSchema,
    orderId: providerTokenSchema,
    amountCents: z.number().int().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/),
  }),
});
export type WebhookEvent = PaymentEvent;

// Compile-time checks that MockPay's body is exactly the port's event: same fields, same types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaIsPaymentEvent: Same<z.infer<typeof webhookEventSchema>, PaymentEvent> = true;
const _everyTypeListed: Same<(typeof webhookEventTypes)[number], PaymentEventType> = true;

/** The exact bytes sent: fixed key order, so every delivery of one event carries the same body. */
export function webhookBody(event: WebhookEvent): string {
  const { id, type, created, data } = event;
  const { sessionId, orderId, amountCents, currency } = data;
  return JSON.stringify({ id, type, created, data: { sessionId, orderId, amountCents, currency } });
}

function hmac(secret: string, timestamp: string, rawBody: string | Buffer): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The header value for one delivery attempt (signed afresh each attempt, with the attempt's time). */
export function signWebhook(secret: string, rawBody: string | Buffer, nowSeconds: number): string {
  assert(secret.length > 0, "webhook secret is empty");
  assert(Number.isSafeInteger(nowSeconds) && nowSeconds >= 0, "nowSeconds must be whole unix seconds");
  const t = String(nowSeconds);
  return `t=${t},v1=${hmac(secret, t, rawBody).toString("hex")}`;
}

export type VerifyFailure = "missing_header" | "malformed_header" | "timestamp_out_of_tolerance" | "signature_mismatch";
export type VerifyOutcome = { ok: true } | { ok: false; reason: VerifyFailure };

interface ParsedHeader {
  timestamp: string;
  signatures: Buffer[];
}

const timestampPattern = /^\d{1,12}$/;
const v1Pattern = /^[0-9a-fA-F]{64}$/;

/**
 * Items are comma-separated `key=value`; blanks around an item are tolerated, blanks inside a
 * value are not. Unknown keys (a future v2) are ignored; exactly one `t` and at least one `v1`.
 */
function parseHeader(header: string): ParsedHeader | null {
  if (header.length > webhookSignatureHeaderLengthMax) return null;
  let timestamp: string | null = null;
  const signatures: Buffer[] = [];
  for (const rawItem of header.split(",")) {
    const item = rawItem.trim();
    const eq = item.indexOf("=");
    if (eq <= 0) return null;
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (key === "t") {
      if (timestamp !== null || !timestampPattern.test(value)) return null;
      timestamp = value;
    } else if (key === "v1") {
      if (!v1Pattern.test(value) || signatures.length >= webhookSignaturesMax) return null;
      signatures.push(Buffer.from(value, "hex"));
    }
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

/** Checks a received webhook: any v1 matching any of `secrets` (current first during a rotation) passes. */
export function verifyWebhook(
  header: string | undefined | null,
  rawBody: string | Buffer,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds: number = webhookToleranceSeconds,
): VerifyOutcome {
  assert(secrets.length > 0 && secrets.every((s) => s.length > 0), "verifyWebhook needs at least one non-empty secret");
  if (header === undefined || header === null || header.trim() === "") return { ok: false, reason: "missing_header" };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: "malformed_header" };
  if (Math.abs(nowSeconds - Number(parsed.timestamp)) > toleranceSeconds)
    return { ok: false, reason: "timestamp_out_of_tolerance" };
  for (const secret of secrets) {
    const expected = hmac(secret, parsed.timestamp, rawBody);
    // Both sides are 32 bytes (the v1 pattern guarantees it), as timingSafeEqual requires.
    if (parsed.signatures.some((given) => timingSafeEqual(given, expected))) return { ok: true };
  }
  return { ok: false, reason: "signature_mismatch" };
}
