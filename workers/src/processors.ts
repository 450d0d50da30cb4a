// The job processors this process runs, one entry per BullMQ queue. Each processor lives in its
// own file and must be idempotent: BullMQ delivers at least once.
import type { Processor } from "bullmq";
import type { Logger } from "@stampede/server/logger";
import type { Pool } from "@stampede/server/adapters/postgres/pool";
import type { Redis } from "@stampede/server/adapters/redis/connection";

export interface ProcessorDeps {
  logger: Logger;
  pool: Pool;
  redis: Redis;
  redisPrefix: string;
}

export interface ProcessorEntry {
  queue: string;
  concurrency: number;
  create: (deps: ProcessorDeps) => Processor;
}

/** Queues are added here as their features land (hold expiry, sweeper, webhook delivery). */
export const processors: ProcessorEntry[] = [];
