// The payment provider port: what the shop asks of a provider (PaymentProvider: open a session,
// refund, and — where the provider can — pay money out), and what a provider tells the shop
// (PaymentWebhooks: a signed delivery turned into a PaymentEvent). MockPay and Stripe implement
// both (MockPay alone pays out). Every call is idempotent, so the shop may retry them freely after
// a crash or a timeout and always get the first answer.

export interface CreateSessionInput {
  /** The shop's order id: one session per order, so a retried hold never opens a second payment. */
  orderId: string;
  /** Integer minor units of `currency`. */
  amountCents: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** Shown to the fan on the provider's page. */
  description: string;
  /** Absolute URL the fan is sent back to; `?session=<id>&outcome=<outcome>` is appended. */
  returnUrl: string;
  /**
   * The shop's deadline (ISO time: its hold's end), shown to the fan as a countdown. Display only:
   * the session stays payable until its own expiry (a later payment is the late-payment case).
   */
  payBy?: string;
  /**
   * What the amount is for, a line per tier (shown on the provider's page). Their unit prices times
   * quantities add up to `amountCents`; without them the provider shows the description alone.
   */
  lineItems?: readonly SessionLineItem[];
}

export interface SessionLineItem {
  name: string;
  /** Integer minor units of the session's currency. */
  unitAmountCents: number;
  quantity: number;
}

export interface PaymentSession {
  sessionId: string;
  /** Where the fan pays (the provider's hosted page). */
  paymentUrl: string;
}

export interface RefundInput {
  sessionId: string;
  reason: string;
  /**
   * Integer minor units of the session's currency, 1 ≤ amountCents ≤ what the session captured:
   * a partial refund (absent: the whole session). Outside that range it is a bug in the caller and
   * is asserted, not an outcome. The first refund of a session decides the amount: a repeat returns
   * the first refund, whatever amount it asks.
   */
  amountCents?: number;
}

export type RefundOutcome =
  { kind: "refunded"; refundId: string } | { kind: "not_refundable"; reason: "unknown_session" | "not_succeeded" };

export interface PayoutInput {
  /** The shop's key for the payout (a resale listing's id): one payout per key, whatever the repeats. */
  payoutKey: string;
  /** Integer minor units of `currency`, more than 0. */
  amountCents: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** Who is paid (the shop's account id of the seller). */
  recipient: string;
  /** What the payout is for (shown in the provider's records). */
  description: string;
}

export interface PaymentProvider {
  /**
   * Idempotent per orderId: a second call for the same order returns the same session (whatever
   * its state). Asserts that a repeat carries the same amount and currency: a changed price for
   * the same order is a bug in the caller, not an outcome.
   */
  createSession(input: CreateSessionInput): Promise<PaymentSession>;
  /**
   * Refunds a succeeded session, in full or `amountCents` of it; idempotent per session (a second
   * call returns the first refund, and the first refund's amount is the one refunded). Emits one
   * `refund.succeeded` webhook (a provider may report a partial refund otherwise, or not at all:
   * the shop moves its order itself when it refunds). Infrastructure failures throw; retrying with
   * the same session is always safe.
   */
  refund(input: RefundInput): Promise<RefundOutcome>;
  /**
   * Pays money out to a recipient (a reseller's payout). Optional: a provider without it cannot pay
   * out (Stripe would need Connect). Idempotent per payoutKey: a repeat returns the first payout;
   * a repeat for another amount or currency is a bug in the caller and is asserted, not an outcome.
   * Infrastructure failures throw PaymentProviderUnavailableError; retrying with the same key is
   * always safe.
   */
  payout?(input: PayoutInput): Promise<{ payoutId: string }>;
}

/** The provider did not answer, or answered 5xx: nothing to conclude, and the call may be repeated
 * (both calls are idempotent). The HTTP layer answers 503 with Retry-After. */
export class PaymentProviderUnavailableError extends Error {
  override name = "PaymentProviderUnavailableError";
}

/** What happened to a session, in the shop's words (each provider maps its own event names onto these). */
export type PaymentEventType = "payment.succeeded" | "payment.failed" | "payment.canceled" | "refund.succeeded";

/**
 * One provider event, provider-agnostic: what settlement applies. `id` is the provider's own event
 * id, the key of the shop's inbox — every delivery of one event carries the same id, so it is
 * applied at most once however often it arrives.
 */
export interface PaymentEvent {
  id: string;
  type: PaymentEventType;
  /** Unix seconds: when the provider recorded the event (for a payment, about when it was captured). */
  created: number;
  data: {
    sessionId: string;
    orderId: string;
    /** Integer minor units of `currency`: what the session charged, or for `refund.succeeded` what was refunded. */
    amountCents: number;
    /** ISO 4217, upper case. */
    currency: string;
  };
}

/**
 * What one webhook delivery is:
 * - `event`: verified, and a change the shop applies;
 * - `ignored`: verified, but a type the shop does not act on (a step the provider reports that
 *   changes nothing for the order, or a type added after this adapter was written). Acknowledged
 *   (2xx) and recorded, never applied: answering an error would only make the provider deliver it
 *   again and again;
 * - `refused`: not signed with a current secret, outside the time tolerance, or signed but not a
 *   body the adapter can read. Answered 400 and changes nothing.
 */
export type ParsedDelivery =
  | { kind: "event"; event: PaymentEvent }
  | { kind: "ignored"; providerEventId: string; type: string }
  | { kind: "refused"; reason: "invalid_signature" | "invalid_payload"; detail: string };

export interface PaymentWebhooks {
  /** The request header that carries the provider's signature (e.g. "MockPay-Signature", "Stripe-Signature"). */
  readonly signatureHeader: string;
  /**
   * Verifies the raw bytes received (never a re-serialized body) against the header, at
   * `nowSeconds`, then maps the provider's event onto a PaymentEvent. Never throws for a bad
   * delivery (that is `refused`); throws PaymentProviderUnavailableError when the mapping must ask
   * the provider and it does not answer — nothing was concluded, and the delivery may be repeated.
   */
  parse(raw: Buffer, signatureHeader: string | undefined, nowSeconds: number): Promise<ParsedDelivery>;
}
