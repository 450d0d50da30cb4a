// MockPay, the simulated external payment provider: its router (hosted page + API, mounted at the
// app's root under /mockpay) and the PaymentProvider the shop calls. Webhook delivery runs in the
// workers (queue "mockpay-webhooks", workers/src/processors/mockpay-webhook.ts).
import type { Router } from "express";
import type { Pool } from "../adapters/postgres/pool.js";
import { OpenApiRegistry } from "../http/openapi.js";
import type { Logger } from "../logger.js";
import type { PaymentProvider } from "../payments/provider.js";
import { assertChaos, type ChaosSettings } from "./chaos.js";
import type { MockPayQueue } from "./queue.js";
import { mockpayRoutes } from "./routes.js";
import { MockPayService } from "./service.js";

export { mockpayWebhookQueue, type MockPayJobData, type MockPayQueue } from "./queue.js";
export { noChaos, type ChaosSettings } from "./chaos.js";
export type { MockPayService, SessionView, CompleteOutcome } from "./service.js";

export interface MockPayDeps {
  pool: Pool;
  /** A BullMQ Queue named "mockpay-webhooks" with the app's bull prefix (`${redisPrefix}:bull`). */
  queue: MockPayQueue;
  /** Base of payment links (PUBLIC_URL); a function so a server listening on port 0 can tell it later. */
  publicUrl: () => string;
  /** Where webhooks go, stored per session at creation (the shop's /api/payments/webhook). */
  webhookUrl: () => string;
  chaos: ChaosSettings;
  logger: Logger;
  /** The shop's OpenAPI registry, to document MockPay's JSON API beside the shop's. */
  registry?: OpenApiRegistry;
  /** Chaos decisions at enqueue time (tests pin them). */
  random?: () => number;
}

export interface MockPay {
  router: Router;
  provider: PaymentProvider;
  /** The same object as `provider`, with the page/API operations and the outbox relay. */
  service: MockPayService;
}

export function createMockPay(deps: MockPayDeps): MockPay {
  assertChaos(deps.chaos);
  const service = new MockPayService({
    pool: deps.pool,
    queue: deps.queue,
    publicUrl: deps.publicUrl,
    webhookUrl: deps.webhookUrl,
    chaos: deps.chaos,
    logger: deps.logger,
    random: deps.random ?? Math.random,
  });
  return { router: mockpayRoutes(service, deps.registry ?? new OpenApiRegistry()), provider: service, service };
}
