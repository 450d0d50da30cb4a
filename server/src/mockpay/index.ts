// MockPay, the simulated external payment provider: its router (hosted page + API, mounted at the
// app's root under /mockpay) and the PaymentProvider the shop calls. Inside the server (the default)
// webhook delivery runs in the workers (queue "mockpay-webhooks", delivery-processor.ts); as its own
// process (main.ts, `npm run start:mockpay`) MockPay serves its API to the shop and delivers itself.
import type { Router } from "express";
import { OpenApiRegistry } from "../http/openapi.js";
import type { PaymentProvider } from "@stampede/shared/ports/payment-provider";
import { assertChaos } from "./chaos.js";
import { providerRoutes } from "./provider-routes.js";
import { mockpayRoutes } from "./routes.js";
import { MockPayService, type MockPayServiceDeps } from "./service.js";

export { mockpayWebhookQueue, type MockPayJobData, type MockPayQueue } from "./queue.js";
export { noChaos, type ChaosSettings } from "./chaos.js";
export type { MockPayService, SessionView, CompleteOutcome } from "./service.js";

/** The service's deps (pool, queue, publicUrl, webhookUrl, chaos, logger), with the chaos random
 * source optional (tests pin it) and the shop's OpenAPI registry to document MockPay's JSON API. */
export interface MockPayDeps extends Omit<MockPayServiceDeps, "random"> {
  registry?: OpenApiRegistry;
  random?: () => number;
  /** Serves the server-to-server API (open a session, refund, pay out) to shops holding this key: MockPay
   * as its own process. Inside the server the shop calls the service directly, and no key is set. */
  providerApiKey?: string;
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
  const registry = deps.registry ?? new OpenApiRegistry();
  const router = mockpayRoutes(service, registry);
  if (deps.providerApiKey !== undefined) router.use(providerRoutes(service, registry, deps.providerApiKey));
  return { router, provider: service, service };
}
