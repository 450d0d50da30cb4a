// The payment webhooks, one per provider (MockPay's at /api/payments/webhook, Stripe's at
// /api/payments/stripe/webhook): the provider's own check of the signature over the raw bytes (so
// this router parses its own body, before the app's JSON parser) turns a delivery into the shop's
// PaymentEvent, which settlement applies exactly once whichever provider sent it. Forged, stale or
// malformed deliveries get 400 and change nothing; event types the shop has no use for are
// acknowledged and recorded, so the provider does not deliver them again and again.
import express, { Router } from "express";
import { z } from "zod";
import type { PaymentEvent, PaymentWebhooks } from "@stampede/shared/ports/payment-provider";
import type { AdmissionGate } from "../../adapters/batching/admission-gate.js";
import { sendError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import type { Logger } from "../../logger.js";
import type { CheckoutHealthMeter } from "../../services/orders/checkout-health.js";
import type { Settlement } from "../../services/orders/settlement.js";

export interface WebhookRouteDeps {
  /** Settles a provider event exactly once (orders' and resale purchases' alike). */
  settlement: Pick<Settlement, "applyWebhook" | "recordIgnored">;
  logger: Logger;
  /** Bounds the webhooks being settled and waiting: past it 503 overloaded, and the provider delivers again. */
  gate: AdmissionGate;
  /** Payments being settled and settled, as late as they are after the provider captured them. */
  health: Pick<CheckoutHealthMeter, "settling" | "settled">;
}

/** One provider's endpoint: where it delivers, and how its deliveries are read. */
export interface WebhookEndpoint {
  path: string;
  provider: string;
  webhooks: PaymentWebhooks;
}

/** The contract's answer to an applied, duplicate or ignored event. */
const received = z.strictObject({ received: z.literal(true) });

const responses = {
  200: { description: "received (applied, duplicate or ignored)", schema: received },
  400: { description: "invalid_signature or invalid_payload" },
  503: { description: "overloaded or not_ready: nothing applied, deliver again later" },
};

export function webhookRoutes(deps: WebhookRouteDeps, endpoints: WebhookEndpoint[], registry: OpenApiRegistry): Router {
  const router = Router();
  for (const endpoint of endpoints) {
    const summary = `${endpoint.provider} webhook (${endpoint.webhooks.signatureHeader})`;
    registry.add({ method: "post", path: endpoint.path, summary, tags: ["payments"], responses });
    // The raw body (for the signature) keeps this route out of defineRoute; its answers are checked all the same.
    router.post(endpoint.path, express.raw({ type: () => true, limit: "64kb" }), async (req, res) => {
      registry.responseCheck?.watch(`POST ${endpoint.path}`, responses, req, res);
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.header(endpoint.webhooks.signatureHeader);
      // Only a lookup at the provider throws (Stripe's refund → its session): PaymentProviderUnavailableError
      // is answered 503 with Retry-After by the error handler, and the provider delivers again.
      const delivery = await endpoint.webhooks.parse(raw, header, Math.floor(Date.now() / 1000));
      if (delivery.kind === "refused") return sendError(res, 400, delivery.reason, delivery.detail);
      if (delivery.kind === "ignored") {
        await deps.settlement.recordIgnored(delivery.providerEventId, delivery.type);
        deps.logger.info(
          { provider: endpoint.provider, eventId: delivery.providerEventId, type: delivery.type },
          "webhook ignored",
        );
      } else await settle(deps, endpoint.provider, delivery.event);
      const answer: z.output<typeof received> = { received: true };
      res.json(answer);
    });
  }
  return router;
}

/** One payment event through the webhook gate into settlement, with the checkout's health told. */
async function settle(deps: WebhookRouteDeps, provider: string, event: PaymentEvent): Promise<void> {
  const capturedAtMs = event.created * 1000;
  const result = await deps.gate.run(async () => {
    const done = event.type === "payment.succeeded" ? deps.health.settling(capturedAtMs) : () => {};
    try {
      return await deps.settlement.applyWebhook(event);
    } finally {
      done();
    }
  });
  if (result === "applied" && event.type === "payment.succeeded") deps.health.settled(Date.now() - capturedAtMs);
  deps.logger.info({ provider, eventId: event.id, type: event.type, orderId: event.data.orderId, result }, "webhook");
}
