// Composition root of a workers process: the same config and start checks as the server, one
// BullMQ Worker per registered queue, graceful shutdown (finish the jobs in hand, then close).
import { Worker } from "bullmq";
import { closeRedis, createRedis } from "@stampede/server/adapters/redis/connection";
import { createPool } from "@stampede/server/adapters/postgres/pool";
import { prepareServices } from "@stampede/server/bootstrap";
import { devDefaultsBanner, type Config } from "@stampede/server/config";
import { onShutdownSignals, runClosers } from "@stampede/server/lifecycle";
import { createLogger } from "@stampede/server/logger";
import { runMain } from "@stampede/server/run-main";
import { processors } from "./processors.js";

async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, "workers");
  const banner = devDefaultsBanner(config);
  if (banner) console.warn(banner);
  await prepareServices(config);

  const pool = createPool(config.databaseUrl, { applicationName: "stampede-workers" });
  const redis = createRedis(config.redisUrl, "app");
  const bullConnection = createRedis(config.redisUrl, "bullmq");
  const deps = { logger, pool, redis, redisPrefix: config.redisPrefix };
  const workers = processors.map(
    (p) =>
      new Worker(p.queue, p.create(deps), {
        connection: bullConnection,
        prefix: `${config.redisPrefix}:bull`,
        concurrency: p.concurrency,
      }),
  );
  for (const w of workers) w.on("failed", (job, err) => logger.warn({ queue: w.name, jobId: job?.id, err }, "job failed"));
  logger.info({ queues: processors.map((p) => p.queue) }, "workers running");
  console.log(`stampede workers running (${processors.length} queues)`);

  onShutdownSignals(async () => {
    await runClosers(
      [
        ...workers.map((w) => ({ name: `worker ${w.name}`, close: () => w.close() })),
        { name: "bullmq redis", close: () => closeRedis(bullConnection) },
        { name: "redis", close: () => closeRedis(redis) },
        { name: "postgres", close: () => pool.end() },
      ],
      logger,
      config.shutdownTimeoutMs,
    );
  }, logger);
}

await runMain(start);
