// The webhook delivery queue: one BullMQ job per delivery of an event. The job carries only the
// event id (the body is read from the outbox row, the secret from the worker's deps), so nothing
// secret or stale sits in Redis.
import type { JobsOptions, Queue } from "bullmq";
import { webhookBackoffBaseMs, webhookDeliveryAttemptsMax, webhookJobsKeptSeconds } from "@stampede/shared/limits";
import { planDeliveries, type ChaosSettings } from "./chaos.js";

export const mockpayWebhookQueue = "mockpay-webhooks";
export const deliveryJobName = "deliver";

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
export async function enqueueNewEvent(queue: MockPayQueue, eventId: string, chaos: ChaosSettings, random: () => number): Promise<void> {
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
export async function enqueueRedelivery(queue: MockPayQueue, eventId: string, chaos: ChaosSettings): Promise<void> {
  await queue.add(deliveryJobName, { eventId, chaosFailRate: chaos.failRate }, { ...deliveryJobOptions, jobId: eventId });
}
