// Goal: MockPay's webhook parser gives the verdicts the webhook route gives today — a good delivery
// is its event as is, a bad signature or an unreadable body is refused with the route's reason —
// and one more: an event type MockPay does not send today is acknowledged as ignored, not refused
// (a refusal would only be delivered again and again). The secrets are read on every delivery.
import { describe, expect, it } from "vitest";
import { MockPayWebhooks } from "./mockpay-webhooks.js";
import { signWebhook, webhookBody, type WebhookEvent } from "./webhook.js";

const secret = "whsec_mockpay_parser_0123456789";
const now = 1_750_000_000;
const event: WebhookEvent = {
  id: "evt_0196a1b2c3d4e5f6a7b8c9d0e1f2a3b4",
  type: "payment.succeeded",
  created: now,
  data: {
    sessionId: "ps_00112233445566778899aabbccddeeff",
    orderId: "0196a1b2-c3d4-7e5f-a7b8-c9d0e1f2a3b4",
    amountCents: 4200,
    currency: "USD",
  },
};

let secrets = [secret];
const webhooks = new MockPayWebhooks({ secrets: () => secrets });
const signed = (body: string, at = now) => webhooks.parse(Buffer.from(body), signWebhook(secret, body, at), now);

describe("MockPayWebhooks", () => {
  it("is MockPay's header, and a verified body is the shop's event as is", async () => {
    expect(webhooks.signatureHeader).toBe("MockPay-Signature");
    expect(await signed(webhookBody(event))).toEqual({ kind: "event", event });
  });

  it("refuses what the route refuses, for the same reasons", async () => {
    const body = webhookBody(event);
    expect(await webhooks.parse(Buffer.from(body), undefined, now)).toEqual({
      kind: "refused",
      reason: "invalid_signature",
      detail: "webhook signature rejected: missing_header",
    });
    expect(await signed(body, now - 301)).toMatchObject({
      reason: "invalid_signature",
      detail: /timestamp_out_of_tolerance/,
    });
    expect(await signed("{")).toEqual({
      kind: "refused",
      reason: "invalid_payload",
      detail: "webhook body is not JSON",
    });
    const noData = JSON.stringify({ ...event, data: { ...event.data, amountCents: 1.5 } });
    expect(await signed(noData)).toMatchObject({ kind: "refused", reason: "invalid_payload" });
    const badId = JSON.stringify({ ...event, id: "ev_1", type: "payment.disputed" });
    expect(await signed(badId)).toMatchObject({ kind: "refused", reason: "invalid_payload" });
  });

  it("acknowledges a type MockPay does not send today as ignored", async () => {
    const later = JSON.stringify({ ...event, type: "payment.disputed" });
    expect(await signed(later)).toEqual({ kind: "ignored", providerEventId: event.id, type: "payment.disputed" });
  });

  it("reads the secrets on every delivery (a rotation needs no restart)", async () => {
    const body = webhookBody(event);
    secrets = ["whsec_next_0123456789", secret];
    expect((await signed(body)).kind).toBe("event");
    secrets = ["whsec_next_0123456789"];
    expect(await signed(body)).toMatchObject({ kind: "refused", reason: "invalid_signature" });
    secrets = [secret];
  });
});
