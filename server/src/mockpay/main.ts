// Composition root of MockPay as its own process (`npm run start:mockpay`), as a real provider is:
// its pages and API on MOCKPAY_PORT, its webhook delivery (a BullMQ worker and the outbox relay),
// its tables in the same database (the end-of-run audit reconciles the two sides there). The shop
// then runs with MOCKPAY_URL pointing here, and its workers leave MockPay's queue alone.
import { createServer } from "node:http";
import { Queue } from "bullmq";
import { bullPrefix } from "../adapters/bullmq/prefix.js";
import { keepSchedulers, startWorker } from "../adapters/bullmq/run-queues.js";
import { createPool } from "../adapters/postgres/pool.js";
import { closeRedis, createRedis } from "../adapters/redis/connection.js";
import { prepareServices } from "../bootstrap.js";
import { ConfigError, mockpayApiKeyDefault, type Config } from "../config.js";
import { answerUnparsableRequests } from "../http/client-errors.js";
import { closeHttpServer, listen, onShutdownSignals, runClosers } from "../lifecycle.js";
import { createLogger } from "../logger.js";
import { runMain } from "../run-main.js";
import { mockpayApp } from "./app.js";
import { mockpayDeliveryQueue } from "./delivery-processor.js";
import { createMockPay } from "./index.js";
import { mockpayWebhookQueue, type MockPayJobData } from "./queue.js";

async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, "mockpay");
  if (config.mockpay.apiKey === mockpayApiKeyDefault) {
    const problem = "MOCKPAY_API_KEY: must be set (not the development default) when NODE_ENV=production";
    if (config.env === "production") throw new ConfigError([problem]);
    console.warn("mockpay: MOCKPAY_API_KEY is the development default; set it for anything real");
  }
  await prepareServices(config);
  const pool = createPool(config.databaseUrl, { applicationName: "stampede-mockpay" });
  const redis = createRedis(config.redisUrl, "app");
  const bullConnection = createRedis(config.redisUrl, "bullmq");
  const bull = { connection: bullConnection, prefix: bullPrefix(config.redisPrefix, bullConnection) };
  // Adds only (no blocking reads): the app connection serves.
  const queue = new Queue<MockPayJobData>(mockpayWebhookQueue, { connection: redis, prefix: bull.prefix });
  queue.on("error", (err) => logger.warn({ err, queue: queue.name }, "queue connection error"));
  let publicUrl = config.mockpay.publicUrl;
  const mockpay = createMockPay({
    pool,
    queue,
    publicUrl: () => publicUrl,
    webhookUrl: () => config.mockpay.webhookUrl,
    chaos: config.mockpay.chaos,
    logger,
    providerApiKey: config.mockpay.apiKey,
  });
  const readiness = { redis: () => redis.ping(), postgres: () => pool.query("SELECT 1") };
  const server = createServer(mockpayApp(mockpay, { logger, readiness }));
  answerUnparsableRequests(server);
  const deliveryDeps = {
    logger,
    pool,
    redis,
    redisPrefix: config.redisPrefix,
    webhookSecret: config.mockpay.webhookSecret,
  };
  const { queue: deliveries, concurrency } = mockpayDeliveryQueue;
  const processor = mockpayDeliveryQueue.create(deliveryDeps);
  const worker = startWorker(deliveries, processor, { bull, concurrency, lockMs: config.jobLockMs, logger });
  const schedulers = await keepSchedulers([mockpayDeliveryQueue], bull, logger);
  const port = await listen(server, config.host, config.mockpay.port, config.connections.listenBacklog);
  if (!config.mockpay.publicUrlConfigured) publicUrl = `http://${config.host}:${port}`;
  logger.info({ port, publicUrl, webhookUrl: config.mockpay.webhookUrl }, "mockpay listening");
  // A line for humans and for harnesses that start this process on port 0.
  console.log(`mockpay listening on http://${config.host}:${port}`);

  onShutdownSignals(async () => {
    schedulers.stop();
    const outcome = await closeHttpServer(server, config.shutdownTimeoutMs);
    logger.info({ outcome }, "http server closed");
    await runClosers(
      [
        { name: "delivery worker", close: () => worker.close() },
        ...[queue, ...schedulers.queues].map((q) => ({ name: `queue ${q.name}`, close: () => q.close() })),
        { name: "bullmq redis", close: () => closeRedis(bullConnection) },
        { name: "redis", close: () => closeRedis(redis) },
        { name: "postgres", close: () => pool.end() },
      ],
      logger,
    );
  }, logger);
}

await runMain(start);
