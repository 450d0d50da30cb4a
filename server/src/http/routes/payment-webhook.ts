// The payment webhook: the signature is checked over the raw bytes (so this router parses its own
// body, before the app's JSON parser), then the event is applied exactly once. Forged, stale or
// malformed deliveries get 400 and change nothing.
import express, { Router } from "express";
import { z } from "zod";
import type { AdmissionGate } from "../../adapters/batching/admission-gate.js";
import { sendError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { verifyWebhook, webhookEventSchema, webhookSignatureHeader } from "../../payments/webhook.js";
import type { Logger } from "../../logger.js";
import type { CheckoutHealthMeter } from "../../services/orders/checkout-health.js";
import type { Settlement } from "../../services/orders/settlement.js";

export interface WebhookRouteDeps {
  settlement: Settlement;
  secrets: () => string[];
  logger: Logger;
  /** Bounds the webhooks being settled and waiting: past it 503 overloaded, and the provider delivers again. */
  gate: AdmissionGate;
  /** Payments being settled and settled, as late as they are after the provider captured them. */
  health: Pick<CheckoutHealthMeter, "settling" | "settled">;
}

/** The contract's answer to an applied or duplicate event. */
const received = z.strictObject({ received: z.literal(true) });

export function webhookRoutes(deps: WebhookRouteDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  const responses = {
    200: { description: "received (applied or duplicate)", schema: received },
    400: { description: "invalid_signature or invalid_payload" },
    503: { description: "overloaded or not_ready: nothing applied, deliver again later" },
  };
  registry.add({
    method: "post",
    path: "/api/payments/webhook",
    summary: "Payment provider webhook (MockPay-Signature: t=…,v1=…)",
    tags: ["payments"],
    responses,
  });
  // The raw body (for the signature) keeps this route out of defineRoute; its answers are checked all the same.
  router.post("/api/payments/webhook", express.raw({ type: () => true, limit: "64kb" }), async (req, res) => {
    registry.responseCheck?.watch("POST /api/payments/webhook", responses, req, res);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifyWebhook(
      req.header(webhookSignatureHeader),
      raw,
      deps.secrets(),
      Math.floor(Date.now() / 1000),
    );
    if (!verdict.ok) return sendError(res, 400, "invalid_signature", `webhook signature rejected: ${verdict.reason}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      return sendError(res, 400, "invalid_payload", "webhook body is not JSON");
    }
    const event = webhookEventSchema.safeParse(parsed);
    if (!event.success)
      return sendError(res, 400, "invalid_payload", `webhook body: ${event.error.issues[0]?.message ?? "invalid"}`);
    const capturedAtMs = event.data.created * 1000;
    const result = await deps.gate.run(async () => {
      const done = event.data.type === "payment.succeeded" ? deps.health.settling(capturedAtMs) : () => {};
      try {
        return await deps.settlement.applyWebhook(event.data);
      } finally {
        done();
      }
    });
    if (result === "applied" && event.data.type === "payment.succeeded") deps.health.settled(Date.now() - capturedAtMs);
    deps.logger.info(
      { eventId: event.data.id, type: event.data.type, orderId: event.data.data.orderId, result },
      "webhook",
    );
    const answer: z.output<typeof received> = { received: true };
    res.json(answer);
  });
  return router;
}
