// The PaymentProvider port on Stripe Checkout (hosted page, payment mode). One Checkout Session per
// order, made once: the create call carries an idempotency key derived from the order id, so a
// retried hold gets the first session back. A refund is one per session the same way, and a
// refund made otherwise (in the Dashboard, or after Stripe forgot the key) is found and returned.
import Stripe from "stripe";
import { assert, AssertionError } from "@stampede/shared/assert";
import { assertSessionInput } from "@stampede/shared/core/payment-providers";
import type {
  CreateSessionInput,
  PaymentProvider,
  PaymentSession,
  RefundInput,
  RefundOutcome,
} from "@stampede/shared/ports/payment-provider";
import {
  createStripeClient,
  isMissing,
  stripeFailure,
  type StripeClient,
  type StripeConnectionOptions,
} from "./client.js";

/** Checkout Session ids as Stripe makes them; anything else is no session of ours, answered without a call. */
export const checkoutSessionIdPattern = /^cs_[A-Za-z0-9_]{1,250}$/;

/** Stripe refuses a Checkout Session that expires sooner than this after its creation. */
export const stripeSessionLifetimeMinSeconds = 30 * 60;

/** Stripe's cap on a metadata value. */
const metadataValueMax = 500;

/**
 * Stripe keeps an idempotency key for at least 24 hours: within that, a repeat for the same order
 * is the same session (the shop's holds last minutes). The parameters are part of the key's
 * promise — a repeat with others is refused (idempotency_error) — so they are all derived from the
 * input, never from the time of the call.
 */
export const sessionIdempotencyKey = (orderId: string) => `stampede-checkout-${orderId}`;
export const refundIdempotencyKey = (sessionId: string) => `stampede-refund-${sessionId}`;

/** The template Stripe replaces with the session's id when it sends the fan back. */
const sessionIdTemplate = "{CHECKOUT_SESSION_ID}";
const sessionIdMarker = "STAMPEDE_CHECKOUT_SESSION_ID";

/**
 * The shop's return URL with `session` and `outcome` added, as MockPay's redirect does (existing
 * query parameters and the fragment kept). The id is Stripe's template, written as is: URL
 * encoding would turn its braces into %7B…%7D, which Stripe would not replace.
 */
export function returnUrlFor(returnUrl: string, outcome: "succeeded" | "canceled"): string {
  const url = new URL(returnUrl);
  url.searchParams.set("session", sessionIdMarker);
  url.searchParams.set("outcome", outcome);
  return url.toString().replace(`session=${sessionIdMarker}`, `session=${sessionIdTemplate}`);
}

/** Session expiries are whole steps of this, so a payBy that moved a little gives the same one. */
export const sessionExpiryStepSeconds = 5 * 60;

/**
 * When the session stops being payable: past the shop's hold (a payment after it is the shop's
 * late-payment case, as with MockPay), and never sooner than Stripe accepts — 30 to 35 minutes
 * after payBy. Not max(payBy, now + 30 minutes): a retried create must send the parameters of the
 * first (see sessionIdempotencyKey), and now moves between the two. payBy barely does: a resumed
 * hold reads its end back from the ledger, a few milliseconds off the first attempt's, so the
 * expiry is rounded up to a step (and createSession tries the neighbouring step when a retry's
 * payBy crossed one). A hold's payBy lies ahead when its session is made, so the expiry is always
 * at least 30 minutes away. Without payBy, Stripe's default (24 hours, like MockPay's own expiry).
 */
export function sessionExpiresAt(payBy: string | undefined, stepOffset = 0): number | undefined {
  if (payBy === undefined) return undefined;
  const earliest = Date.parse(payBy) / 1000 + stripeSessionLifetimeMinSeconds;
  return (Math.ceil(earliest / sessionExpiryStepSeconds) + stepOffset) * sessionExpiryStepSeconds;
}

/**
 * One line item for the whole amount: the port's input carries the total and a description, not
 * the tiers (were it to carry them, they would be one line item each, with the tier's name).
 */
export function sessionParams(input: CreateSessionInput, stepOffset = 0): Stripe.Checkout.SessionCreateParams {
  const metadata = { orderId: input.orderId };
  const expiresAt = sessionExpiresAt(input.payBy, stepOffset);
  return {
    mode: "payment",
    line_items: lineItemsOf(input),
    client_reference_id: input.orderId,
    metadata,
    // The payment's own metadata: copied onto its charge, so a refund's charge names the order too.
    payment_intent_data: { metadata },
    success_url: returnUrlFor(input.returnUrl, "succeeded"),
    cancel_url: returnUrlFor(input.returnUrl, "canceled"),
    ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
  };
}

/** A line item per tier when the shop names them, else one for the whole amount under the description. */
function lineItemsOf(input: CreateSessionInput): Stripe.Checkout.SessionCreateParams.LineItem[] {
  const currency = input.currency.toLowerCase();
  const name = input.description.trim() === "" ? `Order ${input.orderId}` : input.description;
  const items = input.lineItems?.length ? input.lineItems : [{ name, unitAmountCents: input.amountCents, quantity: 1 }];
  return items.map((item) => ({
    quantity: item.quantity,
    price_data: { currency, unit_amount: item.unitAmountCents, product_data: { name: item.name } },
  }));
}

function assertInput(input: CreateSessionInput): void {
  // Within Stripe's limits too: client_reference_id up to 200 characters, an idempotency key up to 255.
  assertSessionInput(input);
  if (input.lineItems?.length) {
    const total = input.lineItems.reduce((sum, item) => sum + item.unitAmountCents * item.quantity, 0);
    assert(total === input.amountCents, `line items add up to ${total}, not the amount ${input.amountCents}`);
    for (const item of input.lineItems)
      assert(
        Number.isSafeInteger(item.quantity) && item.quantity >= 1 && item.name.trim() !== "",
        "a line item needs a name and a quantity ≥ 1",
      );
  }
}

const paymentIntentOf = (session: Stripe.Checkout.Session): string | null =>
  typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null);

/** A second refund for the same payment: Stripe's answer when the key was already used, or the charge is refunded. */
function isRefundedAlready(err: unknown): boolean {
  if (err instanceof Stripe.errors.StripeIdempotencyError) return true;
  return err instanceof Stripe.errors.StripeInvalidRequestError && err.code === "charge_already_refunded";
}

export class StripeProvider implements PaymentProvider {
  private readonly client: StripeClient;

  constructor(options: StripeConnectionOptions) {
    this.client = createStripeClient(options);
  }

  /**
   * Stripe answers a repeat of the key with other parameters by idempotency_error. When the only
   * difference can be the expiry's step (a retry's payBy a little later or earlier than the
   * first's), the neighbouring steps are asked too: one of them is the first request, and Stripe
   * answers its session. When none is, the order changed (another amount, say): the port asserts.
   */
  async createSession(input: CreateSessionInput): Promise<PaymentSession> {
    assertInput(input);
    const offsets = input.payBy === undefined ? [0] : [0, 1, -1];
    let refusal: Error | undefined;
    for (const offset of offsets) {
      try {
        const session = await this.client.stripe.checkout.sessions.create(sessionParams(input, offset), {
          idempotencyKey: sessionIdempotencyKey(input.orderId),
        });
        assert(session.url, `Stripe answered Checkout Session ${session.id} without its page's url`);
        return { sessionId: session.id, paymentUrl: session.url };
      } catch (err) {
        // A neighbouring step may also be refused as too soon an expiry: that step was not the first request either.
        const notThisStep =
          err instanceof Stripe.errors.StripeIdempotencyError ||
          (offset !== 0 && err instanceof Stripe.errors.StripeInvalidRequestError);
        if (!notThisStep) throw stripeFailure(err, "opening a Checkout Session");
        refusal ??= err as Error;
      }
    }
    // The port asserts a changed amount for the same order: a bug in the caller, not an outcome.
    throw new AssertionError(
      `order ${input.orderId} already has a Stripe session made with other parameters: ${refusal?.message}`,
    );
  }

  /**
   * A partial refund first asks for the shop's own refunds of the payment: once the idempotency key
   * has expired (24 hours), Stripe would make a second partial refund of what is left, where a full
   * one finds the charge refunded already. The shop's first refund stands, whatever amount a repeat
   * asks (a Dashboard refund, without the shop's metadata, is not the shop's: its amount is not the
   * one the shop decided).
   */
  async refund(input: RefundInput): Promise<RefundOutcome> {
    const { amountCents } = input;
    if (amountCents !== undefined)
      assert(Number.isSafeInteger(amountCents) && amountCents >= 1, `amountCents must be a whole number ≥ 1`);
    if (!checkoutSessionIdPattern.test(input.sessionId)) return { kind: "not_refundable", reason: "unknown_session" };
    const session = await this.findSession(input.sessionId);
    if (!session) return { kind: "not_refundable", reason: "unknown_session" };
    const paymentIntent = paymentIntentOf(session);
    if (session.payment_status !== "paid" || paymentIntent === null)
      return { kind: "not_refundable", reason: "not_succeeded" };
    if (amountCents !== undefined) {
      const captured = session.amount_total ?? 0;
      assert(amountCents <= captured, `amountCents ${amountCents} is more than the ${captured} captured`);
      const first = await this.firstRefund(paymentIntent, { shopsOnly: true });
      if (first !== null) return { kind: "refunded", refundId: first };
    }
    const metadata = { orderId: session.client_reference_id ?? "", reason: input.reason.slice(0, metadataValueMax) };
    try {
      const refund = await this.client.stripe.refunds.create(
        { payment_intent: paymentIntent, metadata, ...(amountCents === undefined ? {} : { amount: amountCents }) },
        { idempotencyKey: refundIdempotencyKey(session.id) },
      );
      return { kind: "refunded", refundId: refund.id };
    } catch (err) {
      if (!isRefundedAlready(err)) throw stripeFailure(err, `refunding Checkout Session ${session.id}`);
      const first = await this.firstRefund(paymentIntent);
      if (first === null) throw stripeFailure(err, `refunding Checkout Session ${session.id}`);
      return { kind: "refunded", refundId: first };
    }
  }

  close(): void {
    this.client.close();
  }

  private async findSession(sessionId: string): Promise<Stripe.Checkout.Session | null> {
    try {
      return await this.client.stripe.checkout.sessions.retrieve(sessionId);
    } catch (err) {
      if (isMissing(err)) return null;
      throw stripeFailure(err, `looking up Checkout Session ${sessionId}`);
    }
  }

  /**
   * The payment's earliest refund that did not fail: "the first refund" a repeat returns — the
   * shop's own (with its orderId) before one made by hand, and only the shop's when `shopsOnly`.
   */
  private async firstRefund(paymentIntent: string, options: { shopsOnly?: boolean } = {}): Promise<string | null> {
    let refunds: Stripe.Refund[];
    try {
      refunds = (await this.client.stripe.refunds.list({ payment_intent: paymentIntent, limit: 100 })).data;
    } catch (err) {
      throw stripeFailure(err, `listing the refunds of ${paymentIntent}`);
    }
    // Stripe lists newest first; reversed, a stable sort keeps the older of two made in one second first.
    const shops = (r: Stripe.Refund) => (r.metadata?.orderId ? 0 : 1);
    const standing = refunds
      .filter((r) => r.status !== "failed" && r.status !== "canceled" && (!options.shopsOnly || shops(r) === 0))
      .reverse();
    standing.sort((a, b) => shops(a) - shops(b) || a.created - b.created);
    return standing[0]?.id ?? null;
  }
}
