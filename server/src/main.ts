// Composition root of a server process: config → adapters → app → listen; graceful shutdown.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { closeRedis, createRedis } from "./adapters/redis/connection.js";
import { createPool } from "./adapters/postgres/pool.js";
import { createApp } from "./app.js";
import { accountId } from "@stampede/shared/core/ledger-ids";
import { createConfiguredLedger, prepareServices, retryWhileUnavailable } from "./bootstrap.js";
import { devDefaultsBanner, type Config } from "./config.js";
import { applyConnectionLimits } from "./connection-limits.js";
import { closeHttpServer, listen, onShutdownSignals, runClosers } from "./lifecycle.js";
import { answerUnparsableRequests } from "./http/client-errors.js";
import { createLogger } from "./logger.js";
import { AdminUsers } from "./services/admin/admin-users.js";
import { runMain } from "./run-main.js";
import { startRealtime } from "./composition/realtime.js";

const clientDistDir = fileURLToPath(new URL("../../client/dist", import.meta.url));

async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, "server");
  const banner = devDefaultsBanner(config);
  if (banner) console.warn(banner);

  await prepareServices(config);
  const pool = createPool(config.databaseUrl, { applicationName: "stampede-server", max: config.checkout.poolMax });
  // Payments are settled on connections of their own: a flood of holds cannot take them (0: shared).
  const { settlementPoolMax } = config.checkout;
  const settlementPool =
    settlementPoolMax > 0
      ? createPool(config.databaseUrl, { applicationName: "stampede-settlement", max: settlementPoolMax })
      : null;
  const redis = createRedis(config.redisUrl, "app");
  // The ledger exists before the app's metrics do: batch sizes are forwarded once they exist.
  let observeBatch = (_events: number): void => {};
  const ledger = createConfiguredLedger(config, (events) => observeBatch(events));
  // The first statement on the app's own pool: PostgreSQL may restart between it and the set-up.
  await retryWhileUnavailable(() => new AdminUsers(pool).bootstrap(config.admin.username, config.admin.password));

  let publicUrl = config.publicUrl;
  const bullRedis = createRedis(config.redisUrl, "bullmq");
  const built = createApp({
    publicUrl: () => publicUrl,
    bullRedis,
    webhookSecrets: () => [config.mockpay.webhookSecret],
    mockpayChaos: config.mockpay.chaos,
    ...(config.mockpay.url ? { paymentProvider: { url: config.mockpay.url, apiKey: config.mockpay.apiKey } } : {}),
    trustProxyHops: config.trustProxyHops,
    redisPrefix: config.redisPrefix,
    secretKey: config.secretKey,
    idempotencyLeaseMs: config.idempotencyLeaseSeconds * 1000,
    limits: config.limits,
    logger,
    pool,
    ...(settlementPool ? { settlementPool } : {}),
    holdGate: {
      concurrency: config.checkout.holdsInFlightMax,
      queueMax: config.checkout.holdsQueuedMax,
      queueWaitMaxMs: config.checkout.holdQueueWaitMaxMs,
    },
    redis,
    ledger,
    clientDistDir,
    benchResultsDir: config.benchResultsDir,
    checkResponses: config.responseCheck,
    readiness: {
      redis: () => redis.ping(),
      postgres: () => pool.query("SELECT 1"),
      // A lookup of an id nobody uses: a full round trip through the ledger, whichever backend.
      ledger: () => ledger.lookupAccounts([accountId("issuer", 0xffff_ffff)]),
    },
  });
  observeBatch = (events) => built.metrics.ledgerBatch.observe(events);
  const server = createServer(built.app);
  applyConnectionLimits(server, config.connections);
  answerUnparsableRequests(server);
  const realtime = startRealtime(server, built, {
    redis,
    adapterRedis: createRedis(config.redisUrl, "stream"),
    eventsRedis: createRedis(config.redisUrl, "stream"),
    redisPrefix: config.redisPrefix,
    trustProxyHops: config.trustProxyHops,
    presenceGraceMs: config.presenceGraceSeconds * 1000,
    logger,
  });
  const port = await listen(server, config.host, config.port, config.connections.listenBacklog);
  if (!config.publicUrlConfigured) publicUrl = `http://${config.host}:${port}`;
  logger.info({ port, publicUrl, nodeId: realtime.nodeId }, "server listening");
  // A line for humans and for test harnesses that start this process on port 0.
  console.log(`stampede server listening on http://${config.host}:${port} (node ${realtime.nodeId})`);

  const stopResumingRefunds = built.checkout.settlement.refunds.startResuming();

  onShutdownSignals(async () => {
    stopResumingRefunds();
    await realtime.close();
    const outcome = await closeHttpServer(server, config.shutdownTimeoutMs);
    logger.info({ outcome }, "http server closed");
    await runClosers(
      [
        { name: "queues", close: () => built.checkout.close() },
        { name: "bullmq redis", close: () => closeRedis(bullRedis) },
        { name: "ledger", close: () => ledger.close() },
        { name: "postgres", close: () => Promise.all([pool.end(), settlementPool?.end()]) },
        { name: "redis", close: () => closeRedis(redis) },
      ],
      logger,
    );
  }, logger);
}

await runMain(start);
