// The payment provider port: what the shop asks of a provider. MockPay implements it; a real
// provider's adapter would too. Both calls are idempotent, so the shop may retry them freely after
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
}

export interface PaymentSession {
  sessionId: string;
  /** Where the fan pays (the provider's hosted page). */
  paymentUrl: string;
}

export interface RefundInput {
  sessionId: string;
  reason: string;
}

export type RefundOutcome =
  { kind: "refunded"; refundId: string } | { kind: "not_refundable"; reason: "unknown_session" | "not_succeeded" };

export interface PaymentProvider {
  /**
   * Idempotent per orderId: a second call for the same order returns the same session (whatever
   * its state). Asserts that a repeat carries the same amount and currency: a changed price for
   * the same order is a bug in the caller, not an outcome.
   */
  createSession(input: CreateSessionInput): Promise<PaymentSession>;
  /**
   * Refunds a succeeded session in full; idempotent per session (a second call returns the first
   * refund). Emits one `refund.succeeded` webhook. Infrastructure failures throw; retrying with the
   * same session is always safe.
   */
  refund(input: RefundInput): Promise<RefundOutcome>;
}

/** The provider did not answer, or answered 5xx: nothing to conclude, and the call may be repeated
 * (both calls are idempotent). The HTTP layer answers 503 with Retry-After. */
export class PaymentProviderUnavailableError extends Error {
  override name = "PaymentProviderUnavailableError";
}
