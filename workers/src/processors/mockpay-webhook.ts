// MockPay webhook delivery: one job per delivery of an event (chaos copies are separate jobs).
// A failed attempt throws so BullMQ retries with exponential backoff; the last attempt of a job is
// never dropped by chaos, so a reachable shop always gets the event.
import type { Job, Processor } from "bullmq";
import { assert } from "@stampede/shared/assert";
import { webhookDeliveryConcurrency } from "@stampede/shared/limits";
import { deliverWebhook } from "@stampede/server/mockpay/deliver";
import { mockpayWebhookQueue, type MockPayJobData } from "@stampede/server/mockpay/queue";
import type { ProcessorDeps, ProcessorEntry } from "../processors.js";

/** What this processor reads of the workers' deps; `random` pins chaos drops in tests. */
export type MockPayWebhookDeps = Pick<ProcessorDeps, "logger" | "pool" | "webhookSecret"> & { random?: () => number };

export function createMockPayWebhookProcessor(deps: MockPayWebhookDeps): Processor<MockPayJobData> {
  assert(deps.webhookSecret.length > 0, "MockPay webhook delivery needs MOCKPAY_WEBHOOK_SECRET (ProcessorDeps.webhookSecret)");
  return async (job: Job<MockPayJobData>) => {
    const attempt = job.attemptsMade + 1;
    const isLast = attempt >= (job.opts.attempts ?? 1);
    const outcome = await deliverWebhook({ pool: deps.pool, webhookSecret: deps.webhookSecret, random: deps.random }, job.data, { isLast });
    const log = { jobId: job.id, eventId: job.data.eventId, attempt };
    switch (outcome.kind) {
      case "delivered":
        deps.logger.debug({ ...log, status: outcome.status }, "mockpay webhook delivered");
        return outcome;
      case "unknown_event":
        deps.logger.warn(log, "mockpay webhook for an unknown event: dropped");
        return outcome;
      case "dropped":
        throw new Error(`chaos: attempt ${attempt} of ${job.data.eventId} dropped before sending`);
      case "failed":
        throw new Error(`delivery of ${job.data.eventId} failed: ${outcome.error}`);
    }
  };
}

export const mockpayWebhookProcessor: ProcessorEntry = {
  queue: mockpayWebhookQueue,
  concurrency: webhookDeliveryConcurrency,
  create: (deps) => createMockPayWebhookProcessor(deps),
};
