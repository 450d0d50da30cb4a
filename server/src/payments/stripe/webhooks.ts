// Stripe's half of the PaymentWebhooks port: the Stripe-Signature header verified by the SDK over
// the raw bytes (any configured secret: a rotation), then Stripe's event mapped onto the shop's:
//
//   checkout.session.completed, payment_status "paid"   → payment.succeeded
//   checkout.session.completed, otherwise               → ignored (an async payment is pending:
//                                                          its outcome comes as one of the next two)
//   checkout.session.async_payment_succeeded            → payment.succeeded
//   checkout.session.async_payment_failed               → payment.failed
//   checkout.session.expired                            → payment.canceled
//   charge.refunded, fully refunded                     → refund.succeeded
//   charge.refunded, partly refunded                    → ignored (the shop refunds in full only;
//                                                          a partial refund is a person's matter)
//   anything else                                       → ignored
//
// A session is the shop's when it names an order (client_reference_id, or the metadata set with
// it); one that names none (made by another integration on the same account, a subscription) is
// ignored. A charge names its payment, not the session, so the session is looked up by its
// payment: the one call this half makes. The event id is Stripe's, the key of the shop's inbox.
import Stripe from "stripe";
import { z } from "zod";
import { assert } from "@stampede/shared/assert";
import { webhookToleranceSeconds } from "@stampede/shared/limits";
import type {
  ParsedDelivery,
  PaymentEvent,
  PaymentEventType,
  PaymentWebhooks,
} from "@stampede/shared/ports/payment-provider";
import { providerTokenSchema } from "../webhook.js";
import { stripeFailure, type StripeClient } from "./client.js";

export const stripeSignatureHeader = "Stripe-Signature";

export interface StripeWebhooksOptions {
  /** The endpoint's signing secrets (whsec_…; the current one first during a rotation); read on every delivery. */
  secrets: () => readonly string[];
  /** For the one look-up (a refunded charge's session). */
  client: StripeClient;
  toleranceSeconds?: number;
}

const envelopeSchema = z.object({
  id: providerTokenSchema.regex(/^evt_/, "a Stripe event id"),
  type: z.string().min(1).max(200),
  created: z.number().int().nonnegative(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
type Envelope = z.infer<typeof envelopeSchema>;

/** Whose the session is, read first: only the shop's sessions must carry what the mapping needs. */
const ownerSchema = z.object({
  mode: z.string().optional(),
  client_reference_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

const sessionSchema = z.object({
  id: providerTokenSchema,
  amount_total: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, "a three-letter currency"),
  payment_status: z.string(),
});

const chargeSchema = z.object({
  id: z.string(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullable(),
  refunded: z.boolean(),
});

const sessionEventTypes: Record<string, PaymentEventType> = {
  "checkout.session.async_payment_succeeded": "payment.succeeded",
  "checkout.session.async_payment_failed": "payment.failed",
  "checkout.session.expired": "payment.canceled",
};

function refused(reason: "invalid_signature" | "invalid_payload", detail: string): ParsedDelivery {
  return { kind: "refused", reason, detail };
}

const ignored = (envelope: Envelope): ParsedDelivery => ({
  kind: "ignored",
  providerEventId: envelope.id,
  type: envelope.type,
});

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return issue === undefined ? "invalid" : `${issue.path.join(".") || "body"}: ${issue.message}`;
};

/**
 * The shop's event for a session of its own; ignored when the session names no order of the shop,
 * refused when it does but lacks what the event needs.
 */
function sessionEvent(envelope: Envelope, object: unknown, type: PaymentEventType): ParsedDelivery {
  const owner = ownerSchema.safeParse(object);
  if (!owner.success) return refused("invalid_payload", `Stripe ${envelope.type}: ${firstIssue(owner.error)}`);
  const orderId = owner.data.client_reference_id ?? owner.data.metadata?.orderId;
  if (orderId === undefined || (owner.data.mode !== undefined && owner.data.mode !== "payment"))
    return ignored(envelope);
  const session = sessionSchema.safeParse(object);
  const order = providerTokenSchema.safeParse(orderId);
  if (!session.success) return refused("invalid_payload", `Stripe ${envelope.type}: ${firstIssue(session.error)}`);
  if (!order.success) return refused("invalid_payload", `Stripe ${envelope.type}: the order reference is not a token`);
  const event: PaymentEvent = {
    id: envelope.id,
    type,
    created: envelope.created,
    data: {
      sessionId: session.data.id,
      orderId: order.data,
      amountCents: session.data.amount_total,
      currency: session.data.currency.toUpperCase(),
    },
  };
  return { kind: "event", event };
}

export class StripeWebhooks implements PaymentWebhooks {
  readonly signatureHeader = stripeSignatureHeader;

  constructor(private readonly options: StripeWebhooksOptions) {
    // The SDK reads a tolerance of 0 as "do not check the time": never wanted here.
    assert((options.toleranceSeconds ?? webhookToleranceSeconds) > 0, "the webhook tolerance must be positive");
  }

  async parse(raw: Buffer, signatureHeader: string | undefined, nowSeconds: number): Promise<ParsedDelivery> {
    const verified = this.verify(raw, signatureHeader, nowSeconds);
    if ("refused" in verified) return verified.refused;
    const envelope = envelopeSchema.safeParse(verified.body);
    if (!envelope.success) return refused("invalid_payload", `Stripe event: ${firstIssue(envelope.error)}`);
    return this.map(envelope.data);
  }

  /** The SDK's verification with each secret in turn: the first that verifies gives the event. */
  private verify(
    raw: Buffer,
    header: string | undefined,
    nowSeconds: number,
  ): { body: unknown } | { refused: ParsedDelivery } {
    const secrets = this.options.secrets();
    assert(secrets.length > 0 && secrets.every((s) => s.length > 0), "Stripe webhooks need at least one secret");
    const tolerance = this.options.toleranceSeconds ?? webhookToleranceSeconds;
    const { webhooks } = this.options.client.stripe;
    let failure = "no secret";
    for (const secret of secrets) {
      try {
        return { body: webhooks.constructEvent(raw, header ?? "", secret, tolerance, undefined, nowSeconds * 1000) };
      } catch (err) {
        if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
          failure = err.message.split("\n")[0] ?? "signature mismatch";
          continue;
        }
        // Verified, but the body is not JSON (or is a kind of event this endpoint does not take).
        const detail = err instanceof Error ? err.message : String(err);
        return { refused: refused("invalid_payload", `Stripe event body: ${detail.split("\n")[0]}`) };
      }
    }
    return { refused: refused("invalid_signature", `Stripe-Signature rejected: ${failure}`) };
  }

  private async map(envelope: Envelope): Promise<ParsedDelivery> {
    const object = envelope.data.object;
    if (envelope.type === "checkout.session.completed")
      return object.payment_status === "paid" ? sessionEvent(envelope, object, "payment.succeeded") : ignored(envelope);
    const sessionType = sessionEventTypes[envelope.type];
    if (sessionType !== undefined) return sessionEvent(envelope, object, sessionType);
    if (envelope.type === "charge.refunded") return this.refunded(envelope);
    return ignored(envelope);
  }

  /** A charge refunded in full: the refund of the session that took it. */
  private async refunded(envelope: Envelope): Promise<ParsedDelivery> {
    const charge = chargeSchema.safeParse(envelope.data.object);
    if (!charge.success) return refused("invalid_payload", `Stripe charge.refunded: ${firstIssue(charge.error)}`);
    const paymentIntent = charge.data.payment_intent;
    if (!charge.data.refunded || paymentIntent === null) return ignored(envelope);
    const id = typeof paymentIntent === "string" ? paymentIntent : paymentIntent.id;
    const session = await this.sessionOfPayment(id);
    // A payment not made through a Checkout Session is not one of the shop's.
    if (session === null) return ignored(envelope);
    return sessionEvent(envelope, session, "refund.succeeded");
  }

  private async sessionOfPayment(paymentIntent: string): Promise<Stripe.Checkout.Session | null> {
    try {
      const page = await this.options.client.stripe.checkout.sessions.list({ payment_intent: paymentIntent, limit: 1 });
      return page.data[0] ?? null;
    } catch (err) {
      throw stripeFailure(err, `finding the Checkout Session of ${paymentIntent}`);
    }
  }
}
