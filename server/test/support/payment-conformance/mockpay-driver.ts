// MockPay under the payment conformance suite (never used by production code): MockPay served as
// its own process serves it (its harness: own database and Redis prefix), its webhooks delivered
// by a real BullMQ worker running the workers' delivery processor, the shop's HTTP client for it
// (MockPayClient) and its webhook parser. The fan moves a session through MockPay's page API.
import { Worker } from "bullmq";
import { signWebhook } from "../../../src/payments/webhook.js";
import { MockPayClient } from "../../../src/payments/mockpay-client.js";
import { MockPayWebhooks } from "../../../src/payments/mockpay-webhooks.js";
import { createLogger } from "../../../src/logger.js";
import { createMockPayWebhookProcessor } from "../../../src/mockpay/delivery-processor.js";
import { mockpayWebhookQueue } from "../../../src/mockpay/queue.js";
import { completeViaApi, harnessApiKey, harnessWebhookSecret, startMockPayHarness } from "../mockpay.js";
import { deliveriesSettled } from "../webhook-jobs.js";
import type { ProviderUnderTest } from "./driver.js";
import { startDeliveryReceiver } from "./receiver.js";

export async function mockpayUnderTest(): Promise<ProviderUnderTest> {
  const webhooks = new MockPayWebhooks({ secrets: () => [harnessWebhookSecret] });
  const receiver = await startDeliveryReceiver(webhooks.signatureHeader);
  const h = await startMockPayHarness({ webhookUrl: () => receiver.url });
  const processor = createMockPayWebhookProcessor({
    logger: createLogger("silent", "conformance"),
    pool: h.pool,
    redis: h.testRedis.client,
    redisPrefix: h.testRedis.prefix,
    webhookSecret: harnessWebhookSecret,
  });
  const worker = new Worker(mockpayWebhookQueue, processor, {
    connection: h.bullConnection,
    prefix: h.bullPrefix,
    concurrency: 8,
  });
  const provider = new MockPayClient({ baseUrl: h.url, apiKey: harnessApiKey });
  const now = () => Math.floor(Date.now() / 1000);
  return {
    provider,
    webhooks,
    receiver,
    async drive(sessionId, outcome) {
      const res = await completeViaApi(h, sessionId, outcome);
      if (res.status !== 200) throw new Error(`MockPay answered ${res.status} to ${outcome}: ${await res.text()}`);
    },
    settled: (sessionIds) => deliveriesSettled(h.pool, h.queue, sessionIds),
    unknownSessionId: `ps_${"0".repeat(32)}`,
    sign: (raw, { secret, timestampSeconds }) => signWebhook(secret ?? harnessWebhookSecret, raw, timestampSeconds),
    unknownTypeBody: () =>
      Buffer.from(
        JSON.stringify({
          id: `evt_${"1".repeat(32)}`,
          type: "payment.disputed",
          created: now(),
          data: { sessionId: `ps_${"1".repeat(32)}`, orderId: "order-x", amountCents: 100, currency: "USD" },
        }),
      ),
    incompleteBody: () =>
      Buffer.from(JSON.stringify({ id: `evt_${"2".repeat(32)}`, type: "payment.succeeded", created: now(), data: {} })),
    unreachable: (port) => new MockPayClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: harnessApiKey }),
    async close() {
      provider.close();
      await worker.close(true);
      await h.close();
      await receiver.close();
    },
  };
}
