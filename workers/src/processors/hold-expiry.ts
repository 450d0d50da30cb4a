// Layer 2 of hold expiry: a delayed job per second in which holds expire (`expire-<second>`, see
// expiryJob in server/src/adapters/bullmq/hold-expiry-queue.ts), run as that second ends. It ends every hold
// due by then — voids the hold, marks the order expired, frees the checkout slot, tells the fan —
// in batches (HoldEnding.expireDue), instead of a job per hold. Idempotent: an order that was paid,
// cancelled or already expired in the meantime is left as it is. A job of the older shape
// (`hold-<orderId>`, still queued from before an upgrade) ends its one hold.
import type { Job, Processor } from "bullmq";
import { holdExpiryQueue } from "@stampede/server/adapters/bullmq/hold-expiry-queue";
import type { ProcessorDeps, ProcessorEntry } from "./types.js";

/** Holds ended per job run; a second with more due goes on in the same run. */
const expireBatchMax = 500;

export type HoldExpiryJob = { dueAtMs: number } | { orderId: string };

export function createHoldExpiryProcessor(deps: ProcessorDeps): Processor<HoldExpiryJob> {
  return async (job: Job<HoldExpiryJob>) => {
    if ("orderId" in job.data) return deps.ending.expire(job.data.orderId);
    let total = { due: 0, expired: 0 };
    for (;;) {
      const { due, expired } = await deps.ending.expireDue(expireBatchMax);
      total = { due: total.due + due, expired: total.expired + expired };
      // Fewer than a batch: none left. None ended: the rest are paid's to settle (their voids lost), not ours.
      if (due < expireBatchMax || expired === 0) break;
    }
    deps.logger.debug({ jobId: job.id, ...total }, "hold expiry job");
    return total;
  };
}

export const holdExpiryProcessor: ProcessorEntry = {
  queue: holdExpiryQueue,
  concurrency: 2,
  create: (deps) => createHoldExpiryProcessor(deps) as Processor,
};
