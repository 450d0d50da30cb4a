// The Stripe stand-in's objects and what happens to them (never used by production code): Checkout
// Sessions, their PaymentIntents, charges and refunds, shaped as Stripe answers them — each answer
// type is a Pick of the SDK's own type, so a field the adapter reads cannot be misnamed here — and
// the events each change gives, in the order Stripe documents them for a Checkout payment.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Stripe-looking ids: a prefix and random letters and digits. */
export function stripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export type SessionJson = Pick<
  Stripe.Checkout.Session,
  | "id"
  | "object"
  | "amount_subtotal"
  | "amount_total"
  | "cancel_url"
  | "client_reference_id"
  | "created"
  | "currency"
  | "expires_at"
  | "livemode"
  | "metadata"
  | "mode"
  | "payment_intent"
  | "payment_status"
  | "status"
  | "success_url"
  | "url"
> & { payment_intent: string | null };

export type PaymentIntentJson = Pick<
  Stripe.PaymentIntent,
  "id" | "object" | "amount" | "created" | "currency" | "latest_charge" | "metadata" | "status"
> & { latest_charge: string | null };

export type ChargeJson = Pick<
  Stripe.Charge,
  | "id"
  | "object"
  | "amount"
  | "amount_captured"
  | "amount_refunded"
  | "captured"
  | "created"
  | "currency"
  | "metadata"
  | "paid"
  | "payment_intent"
  | "refunded"
  | "status"
> & { payment_intent: string };

export type RefundJson = Pick<
  Stripe.Refund,
  "id" | "object" | "amount" | "charge" | "created" | "currency" | "metadata" | "payment_intent" | "reason" | "status"
>;

export interface StandinEvent {
  id: string;
  type: string;
  /** The exact bytes every delivery of this event carries (Stripe re-signs, never re-serializes). */
  body: string;
}

/** A Stripe event around a snapshot of the object (later changes to the object do not show in it). */
export function makeEvent(type: string, object: object): StandinEvent {
  const id = stripeId("evt_");
  const event = {
    id,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: nowSeconds(),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
  return { id, type, body: JSON.stringify(event, null, 2) };
}

/** A 4xx the API answers: Stripe's error envelope. */
export class StandinApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; message: string; code?: string; param?: string },
  ) {
    super(body.message);
  }
}

export function invalid(message: string, param?: string, code?: string): StandinApiError {
  return new StandinApiError(400, {
    type: "invalid_request_error",
    message,
    ...(param === undefined ? {} : { param }),
    ...(code === undefined ? {} : { code }),
  });
}

export function missing(what: string, id: string, param: string, status = 404): StandinApiError {
  return new StandinApiError(status, {
    type: "invalid_request_error",
    code: "resource_missing",
    param,
    message: `No such ${what}: '${id}'`,
  });
}

/** What the account holds: the sessions and what paying them made. */
export class StandinAccount {
  readonly sessions = new Map<string, SessionJson>();
  readonly paymentIntents = new Map<string, PaymentIntentJson>();
  readonly charges = new Map<string, ChargeJson>();
  readonly refunds = new Map<string, RefundJson>();
  /** Metadata the session's payment will carry (payment_intent_data.metadata). */
  readonly paymentMetadata = new Map<string, Record<string, string>>();

  session(id: string): SessionJson {
    const session = this.sessions.get(id);
    if (!session) throw missing("checkout.session", id, "session");
    return session;
  }

  chargeOf(paymentIntent: string): ChargeJson | undefined {
    const pi = this.paymentIntents.get(paymentIntent);
    return pi?.latest_charge ? this.charges.get(pi.latest_charge) : undefined;
  }

  /** The fan pays. Card: paid at once. Async (a bank debit): completed now, paid or failed later. */
  complete(sessionId: string, options: { async?: boolean } = {}): StandinEvent[] {
    const session = this.session(sessionId);
    if (session.status !== "open" || session.expires_at <= nowSeconds())
      throw new Error(`session ${sessionId} is ${session.status} and cannot be paid`);
    const pi: PaymentIntentJson = {
      id: stripeId("pi_"),
      object: "payment_intent",
      amount: session.amount_total ?? 0,
      created: nowSeconds(),
      currency: session.currency ?? "usd",
      latest_charge: null,
      metadata: { ...(this.paymentMetadata.get(sessionId) ?? {}) },
      status: options.async === true ? "processing" : "requires_payment_method",
    };
    this.paymentIntents.set(pi.id, pi);
    Object.assign(session, { status: "complete", payment_status: "unpaid", payment_intent: pi.id, url: null });
    if (options.async === true)
      return [makeEvent("payment_intent.processing", pi), makeEvent("checkout.session.completed", session)];
    const paid = this.capture(session, pi);
    return [...paid, makeEvent("checkout.session.completed", session)];
  }

  /** The async payment arrives. */
  succeedAsync(sessionId: string): StandinEvent[] {
    const { session, pi } = this.pending(sessionId);
    return [...this.capture(session, pi), makeEvent("checkout.session.async_payment_succeeded", session)];
  }

  /** The async payment fails (the bank refused the debit). */
  failAsync(sessionId: string): StandinEvent[] {
    const { session, pi } = this.pending(sessionId);
    pi.status = "requires_payment_method";
    return [
      makeEvent("payment_intent.payment_failed", pi),
      makeEvent("checkout.session.async_payment_failed", session),
    ];
  }

  /** Stripe ends an open session at its expires_at (or when asked to expire it). */
  expire(sessionId: string): StandinEvent[] {
    const session = this.session(sessionId);
    if (session.status !== "open") throw new Error(`session ${sessionId} is ${session.status}, not open`);
    Object.assign(session, { status: "expired", url: null });
    return [makeEvent("checkout.session.expired", session)];
  }

  /** A refund of a payment (the API's or the Dashboard's): what is left of it unless an amount is given. */
  refund(
    paymentIntent: string,
    params: { amount?: number; metadata?: Record<string, string> },
  ): { refund: RefundJson; events: StandinEvent[] } {
    if (!this.paymentIntents.has(paymentIntent)) throw missing("payment_intent", paymentIntent, "payment_intent", 400);
    const charge = this.chargeOf(paymentIntent);
    if (!charge) throw invalid(`PaymentIntent ${paymentIntent} does not have a successful charge to refund.`);
    const left = charge.amount - charge.amount_refunded;
    if (left === 0)
      throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, "charge_already_refunded");
    const amount = params.amount ?? left;
    if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left)
      throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, "amount");
    const refund: RefundJson = {
      id: stripeId("re_"),
      object: "refund",
      amount,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      metadata: params.metadata ?? {},
      payment_intent: paymentIntent,
      reason: null,
      status: "succeeded",
    };
    this.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    return { refund, events: [makeEvent("charge.refunded", charge), makeEvent("refund.created", refund)] };
  }

  private pending(sessionId: string): { session: SessionJson; pi: PaymentIntentJson } {
    const session = this.session(sessionId);
    const pi = session.payment_intent === null ? undefined : this.paymentIntents.get(session.payment_intent);
    if (session.status !== "complete" || session.payment_status !== "unpaid" || pi?.status !== "processing")
      throw new Error(`session ${sessionId} has no async payment pending`);
    return { session, pi };
  }

  /** The charge succeeds: it copies the payment's metadata, as Stripe does when a PaymentIntent is confirmed. */
  private capture(session: SessionJson, pi: PaymentIntentJson): StandinEvent[] {
    const charge: ChargeJson = {
      id: stripeId("ch_"),
      object: "charge",
      amount: pi.amount,
      amount_captured: pi.amount,
      amount_refunded: 0,
      captured: true,
      created: nowSeconds(),
      currency: pi.currency,
      metadata: { ...pi.metadata },
      paid: true,
      payment_intent: pi.id,
      refunded: false,
      status: "succeeded",
    };
    this.charges.set(charge.id, charge);
    Object.assign(pi, { status: "succeeded", latest_charge: charge.id });
    session.payment_status = "paid";
    return [makeEvent("charge.succeeded", charge), makeEvent("payment_intent.succeeded", pi)];
  }
}
