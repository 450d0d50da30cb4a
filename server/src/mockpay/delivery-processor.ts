// MockPay webhook delivery, run by the workers or by MockPay's own process: one job per delivery
// of an event (chaos copies are separate jobs). A failed attempt throws so BullMQ retries with
// exponential backoff; the last attempt of a job is never dropped by chaos, so a reachable shop
// always gets the event. A repeatable relay job on the same queue re-queues events whose delivery
// job was lost or gave up (the events table is the outbox).
import { Queue, type Job, type Processor } from "bullmq";
import { assert } from "@stampede/shared/assert";
import {
  mockpayRelayEveryMs,
  mockpayRelayMinAgeSeconds,
  webhookDeliveryConcurrency,
  webhookEnqueueTimeoutMs,
} from "@stampede/shared/limits";
import type { Pool } from "../adapters/postgres/pool.js";
import type { Redis } from "../adapters/redis/connection.js";
import { bullPrefix } from "../adapters/bullmq/prefix.js";
import type { Logger } from "../logger.js";
import { deliverWebhook } from "./deliver.js";
import { mockpayWebhookQueue, relayJobName, relayUndelivered, type MockPayJobData } from "./queue.js";

/** What delivery needs; `random` pins chaos drops in tests. */
export interface MockPayWebhookDeps {
  logger: Logger;
  pool: Pool;
  /** For the relay's adds (no blocking reads). */
  redis: Redis;
  redisPrefix: string;
  /** MOCKPAY_WEBHOOK_SECRET: signs each delivery. */
  webhookSecret: string;
  random?: () => number;
}

async function deliver(deps: MockPayWebhookDeps, job: Job<MockPayJobData>): Promise<unknown> {
  const attempt = job.attemptsMade + 1;
  const isLast = attempt >= (job.opts.attempts ?? 1);
  const chaosCopy = job.id !== job.data.eventId;
  const deliverDeps = { pool: deps.pool, webhookSecret: deps.webhookSecret, random: deps.random };
  const outcome = await deliverWebhook(deliverDeps, job.data, { isLast, chaosCopy });
  const log = { jobId: job.id, eventId: job.data.eventId, attempt };
  switch (outcome.kind) {
    case "delivered":
      deps.logger.debug({ ...log, status: outcome.status }, "mockpay webhook delivered");
      return outcome;
    case "unknown_event":
      deps.logger.warn(log, "mockpay webhook for an unknown event: dropped");
      return outcome;
    case "already_delivered":
      return outcome;
    case "dropped":
      throw new Error(`chaos: attempt ${attempt} of ${job.data.eventId} dropped before sending`);
    case "failed":
      throw new Error(`delivery of ${job.data.eventId} failed: ${outcome.error}`);
  }
}

export function createMockPayWebhookProcessor(deps: MockPayWebhookDeps): Processor<MockPayJobData> {
  assert(
    deps.webhookSecret.length > 0,
    "MockPay webhook delivery needs MOCKPAY_WEBHOOK_SECRET (ProcessorDeps.webhookSecret)",
  );
  // Adds only (no blocking reads), so the app connection serves; nothing is opened here.
  const queue = new Queue<MockPayJobData>(mockpayWebhookQueue, {
    connection: deps.redis,
    prefix: bullPrefix(deps.redisPrefix, deps.redis),
  });
  queue.on("error", (err) => deps.logger.warn({ err, queue: queue.name }, "queue connection error"));
  return async (job: Job<MockPayJobData>) => {
    if (job.name !== relayJobName) return deliver(deps, job);
    // Relayed deliveries carry no chaos: the workers do not know the server's chaos settings.
    const relay = { minAgeSeconds: mockpayRelayMinAgeSeconds, chaosFailRate: 0, timeoutMs: webhookEnqueueTimeoutMs };
    const relayed = await relayUndelivered(deps.pool, queue, relay);
    if (relayed > 0) deps.logger.info({ relayed }, "mockpay relay re-queued undelivered webhooks");
    return { relayed };
  };
}

/** The queue, its concurrency and the relay's schedule, for whichever process delivers. */
export const mockpayDeliveryQueue = {
  queue: mockpayWebhookQueue,
  concurrency: webhookDeliveryConcurrency,
  create: (deps: MockPayWebhookDeps): Processor => createMockPayWebhookProcessor(deps) as Processor,
  schedule: { id: relayJobName, everyMs: mockpayRelayEveryMs },
};
