// Layer 2 of hold expiry: a delayed job `hold-<orderId>` at the hold's expiresAt. Voids the hold,
// marks the order expired, frees the checkout slot, tells the fan. Idempotent: an order that was
// paid, cancelled or already expired in the meantime is left as it is.
import type { Job, Processor } from "bullmq";
import { holdExpiryQueue } from "@stampede/server/services/orders/checkout";
import type { ProcessorDeps, ProcessorEntry } from "../processors.js";

export function createHoldExpiryProcessor(deps: ProcessorDeps): Processor<{ orderId: string }> {
  return async (job: Job<{ orderId: string }>) => {
    const result = await deps.ending.expire(job.data.orderId);
    deps.logger.debug({ orderId: job.data.orderId, result }, "hold expiry job");
    return result;
  };
}

export const holdExpiryProcessor: ProcessorEntry = {
  queue: holdExpiryQueue,
  concurrency: 16,
  create: (deps) => createHoldExpiryProcessor(deps) as Processor,
};
