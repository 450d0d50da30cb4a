// MockPay's half of the PaymentWebhooks port: its signature (webhook.ts) over the raw bytes, then
// its body, which already is the shop's PaymentEvent. A type MockPay does not send today (a later
// MockPay's) is acknowledged as ignored rather than refused, so it is never delivered again and again.
import { z } from "zod";
import { webhookToleranceSeconds } from "@stampede/shared/limits";
import type { ParsedDelivery, PaymentWebhooks } from "@stampede/shared/ports/payment-provider";
import { verifyWebhook, webhookEventSchema, webhookEventTypes, webhookSignatureHeader } from "./webhook.js";

export interface MockPayWebhooksOptions {
  /** The current secrets (the current one first during a rotation); read on every delivery. */
  secrets: () => readonly string[];
  toleranceSeconds?: number;
}

/** Enough of a body to name an event of a type this shop does not know. */
const otherEventSchema = z.object({
  id: webhookEventSchema.shape.id,
  type: z.string().regex(/^[a-z_.]{1,100}$/),
});

const knownTypes: readonly string[] = webhookEventTypes;

export class MockPayWebhooks implements PaymentWebhooks {
  readonly signatureHeader = webhookSignatureHeader;

  constructor(private readonly options: MockPayWebhooksOptions) {}

  async parse(raw: Buffer, signatureHeader: string | undefined, nowSeconds: number): Promise<ParsedDelivery> {
    const tolerance = this.options.toleranceSeconds ?? webhookToleranceSeconds;
    const verdict = verifyWebhook(signatureHeader, raw, this.options.secrets(), nowSeconds, tolerance);
    if (!verdict.ok) return refused("invalid_signature", `webhook signature rejected: ${verdict.reason}`);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return refused("invalid_payload", "webhook body is not JSON");
    }
    const other = otherEventSchema.safeParse(body);
    if (other.success && !knownTypes.includes(other.data.type))
      return { kind: "ignored", providerEventId: other.data.id, type: other.data.type };
    const event = webhookEventSchema.safeParse(body);
    if (!event.success)
      return refused("invalid_payload", `webhook body: ${event.error.issues[0]?.message ?? "invalid"}`);
    return { kind: "event", event: event.data };
  }
}

function refused(reason: "invalid_signature" | "invalid_payload", detail: string): ParsedDelivery {
  return { kind: "refused", reason, detail };
}
