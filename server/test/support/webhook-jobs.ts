// "No webhook delivery can arrive any more", observed instead of slept on: every event of the
// given MockPay sessions is delivered, and no delivery job of theirs (the event's own or a chaos
// copy) is still waiting, delayed for a retry or running. Read from the outbox and BullMQ.
import { Queue } from "bullmq";
import type { Pool } from "../../src/adapters/postgres/pool.js";
import { createPool } from "../../src/adapters/postgres/pool.js";
import { bullPrefix } from "../../src/adapters/bullmq/prefix.js";
import { closeRedis, createRedis } from "../../src/adapters/redis/connection.js";
import { mockpayWebhookQueue, type MockPayQueue } from "../../src/mockpay/queue.js";
import { waitFor } from "./fans.js";
import type { TestStack } from "./stack.js";

const pendingStates = ["waiting", "active", "delayed", "prioritized", "waiting-children"] as const;

/** Ids of delivery jobs for these events not finished yet, read in one atomic step. */
export async function pendingDeliveryJobs(queue: MockPayQueue, eventIds: readonly string[]): Promise<string[]> {
  const ids = await queue.getRanges([...pendingStates], 0, -1);
  return ids.filter((id) => eventIds.some((e) => id === e || id.startsWith(`${e}-dup-`)));
}

/** Waits until every event of these sessions is delivered and none of their delivery jobs is pending. */
export async function deliveriesSettled(
  pool: Pool,
  queue: MockPayQueue,
  sessionIds: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    "every webhook delivered, none still queued",
    async () => {
      const { rows } = await pool.query<{ id: string; delivered: boolean }>(
        "SELECT id, delivered_at IS NOT NULL AS delivered FROM mockpay_events WHERE session_id = ANY($1)",
        [sessionIds],
      );
      if (rows.length === 0 || rows.some((r) => !r.delivered)) return false;
      return (
        (
          await pendingDeliveryJobs(
            queue,
            rows.map((r) => r.id),
          )
        ).length === 0
      );
    },
    timeoutMs,
  );
}

/** The outbox and the webhook queue of a test stack, for deliveriesSettled. */
export function stackWebhooks(stack: TestStack): { pool: Pool; queue: MockPayQueue; close(): Promise<void> } {
  const pool = createPool(stack.db.url, { max: 1 });
  const connection = createRedis(stack.redis.url, "bullmq");
  const queue: MockPayQueue = new Queue(mockpayWebhookQueue, {
    connection,
    prefix: bullPrefix(stack.redis.prefix, connection),
  });
  return {
    pool,
    queue,
    async close() {
      await queue.close();
      await closeRedis(connection);
      await pool.end();
    },
  };
}
