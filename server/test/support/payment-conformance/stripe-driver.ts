// Stripe under the payment conformance suite (never used by production code): the Stripe adapter
// (the official SDK) talking HTTP to the local Stripe stand-in, which plays Stripe's side — the
// fan on the hosted page, the bank settling an async payment, the clock expiring a session — and
// delivers the events, signed, to the receiver, retrying as Stripe does.
import Stripe from "stripe";
import { createStripeClient } from "../../../src/payments/stripe/client.js";
import { StripeProvider } from "../../../src/payments/stripe/provider.js";
import { StripeWebhooks } from "../../../src/payments/stripe/webhooks.js";
import { makeEvent } from "../stripe-standin-objects.js";
import { startStripeStandin } from "../stripe-standin.js";
import type { Outcome, ProviderUnderTest } from "./driver.js";
import { startDeliveryReceiver } from "./receiver.js";

export const standinApiKey = "sk_test_standin_0123456789";
export const standinWebhookSecret = "whsec_standin_0123456789";

export async function stripeUnderTest(): Promise<ProviderUnderTest> {
  // Enough retries to span a few seconds: a delivery the shop refused must outlive the next event's.
  const standin = await startStripeStandin({
    apiKey: standinApiKey,
    webhookSecret: standinWebhookSecret,
    attemptsMax: 10,
  });
  const connection = standin.connection();
  const client = createStripeClient(connection);
  const webhooks = new StripeWebhooks({ secrets: () => [standinWebhookSecret], client });
  const receiver = await startDeliveryReceiver(webhooks.signatureHeader);
  standin.webhookUrl = receiver.url;
  const provider = new StripeProvider(connection);
  const moves: Record<Outcome, (sessionId: string) => void> = {
    succeeded: (id) => standin.complete(id),
    // At Stripe a card decline is retried on the page; a payment fails for good when an async one does.
    failed: (id) => {
      standin.complete(id, { async: true });
      standin.failAsync(id);
    },
    // A session the fan never pays ends when Stripe expires it.
    canceled: (id) => standin.expire(id),
  };
  return {
    provider,
    webhooks,
    receiver,
    drive: async (sessionId, outcome) => moves[outcome](sessionId),
    settled: () => standin.idle(),
    unknownSessionId: `cs_test_${"0".repeat(58)}`,
    sign: (raw, { secret, timestampSeconds }) =>
      Stripe.webhooks.generateTestHeaderString({
        payload: raw.toString("utf8"),
        secret: secret ?? standinWebhookSecret,
        timestamp: timestampSeconds,
      }),
    unknownTypeBody: () => Buffer.from(makeEvent("customer.created", { id: "cus_123", object: "customer" }).body),
    incompleteBody: () =>
      Buffer.from(
        makeEvent("checkout.session.completed", {
          id: "cs_test_incomplete",
          object: "checkout.session",
          mode: "payment",
          client_reference_id: "order-1",
          payment_status: "paid",
          currency: "usd",
        }).body,
      ),
    unreachable: (port) => new StripeProvider({ ...connection, port }),
    async close() {
      provider.close();
      client.close();
      await standin.close();
      await receiver.close();
    },
  };
}
