// The webhook delivery queue: one BullMQ job per delivery of an event. The job carries only the
// event id (the body is read from the outbox row, the secret from the worker's deps), so nothing
// secret or stale sits in Redis.
import type { JobsOptions, Queue } from "bullmq";
import { withDeadline } from "@stampede/shared/deadline";
import {
  mockpayRedeliverBatchMax,
  webhookBackoffBaseMs,
  webhookDeliveryAttemptsMax,
  webhookJobsKeptSeconds,
} from "@stampede/shared/limits";
import type { Pool } from "../adapters/postgres/pool.js";
import { planDeliveries, type ChaosSettings } from "./chaos.js";
import { undeliveredEventIds } from "./store.js";

export const mockpayWebhookQueue = "mockpay-webhooks";
export const deliveryJobName = "deliver";
/** The relay's job (a repeatable job on the same queue, scheduled by the workers). */
export const relayJobName = "mockpay-relay";

export interface MockPayJobData {
  eventId: string;
  /** Chaos: the chance each attempt is lost before sending; decided by the server's config. */
  chaosFailRate: number;
}

export type MockPayQueue = Queue<MockPayJobData>;

export const deliveryJobOptions: JobsOptions = {
  attempts: webhookDeliveryAttemptsMax,
  backoff: { type: "exponential", delay: webhookBackoffBaseMs, jitter: 0.2 },
  // Kept a while so a re-enqueue of a just-delivered event dedupes against the job id.
  removeOnComplete: { age: webhookJobsKeptSeconds },
  // Removed at once: the outbox row keeps attempts and last_error, and a later re-drive of the
  // event (a repeated completion, the relay) must be able to add the job id again.
  removeOnFail: true,
};

/** The first deliveries of a new event: the event itself plus any chaos copies. */
export async function enqueueNewEvent(
  queue: MockPayQueue,
  eventId: string,
  chaos: ChaosSettings,
  random: () => number,
): Promise<void> {
  const planned = planDeliveries(eventId, chaos, random);
  await queue.addBulk(
    planned.map((p) => ({
      name: deliveryJobName,
      data: { eventId, chaosFailRate: chaos.failRate },
      opts: { ...deliveryJobOptions, jobId: p.jobId, ...(p.delayMs > 0 ? { delay: p.delayMs } : {}) },
    })),
  );
}

/** Re-drives an event that is not delivered yet; a no-op while its job is still queued (same job id). */
export async function enqueueRedelivery(queue: MockPayQueue, eventId: string, chaosFailRate: number): Promise<void> {
  await queue.add(deliveryJobName, { eventId, chaosFailRate }, { ...deliveryJobOptions, jobId: eventId });
}

/**
 * The outbox relay: re-enqueues events still undelivered after `minAgeSeconds` (their enqueue was
 * lost, Redis was flushed, or every attempt of their job failed). Events whose job is still queued
 * are not duplicated (same job id). Returns how many were re-driven.
 */
export async function relayUndelivered(
  pool: Pool,
  queue: MockPayQueue,
  options: { minAgeSeconds: number; chaosFailRate: number; timeoutMs: number },
): Promise<number> {
  const ids = await undeliveredEventIds(pool, options.minAgeSeconds, mockpayRedeliverBatchMax);
  // BullMQ's connection waits for Redis forever, so each enqueue gets a deadline; a late add that
  // lands anyway is harmless (job ids dedupe).
  for (const id of ids)
    await withDeadline(enqueueRedelivery(queue, id, options.chaosFailRate), options.timeoutMs, "queueing a webhook");
  return ids.length;
}
