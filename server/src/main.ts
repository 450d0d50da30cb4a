// Composition root of a server process: config → adapters → app → listen; graceful shutdown.
import { shardedAdapter } from "./realtime/sharded-adapter.js";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { closeRedis, createRedis, type Redis } from "./adapters/redis/connection.js";
import { createPool } from "./adapters/postgres/pool.js";
import { createApp, type App } from "./app.js";
import { accountId } from "@stampede/shared/core/ledger-ids";
import { checkPaymentProviders, createConfiguredLedger, prepareServices, retryWhileUnavailable } from "./bootstrap.js";
import { devDefaultsBanner, type Config } from "./config.js";
import { applyConnectionLimits } from "./connection-limits.js";
import { closeHttpServer, listen, onShutdownSignals, runClosers } from "./lifecycle.js";
import { answerUnparsableRequests } from "./http/client-errors.js";
import { createLogger, type Logger } from "./logger.js";
import { AdminUsers } from "./services/admin/admin-users.js";
import { AdminUsersRepo } from "./adapters/postgres/admin-users-repo.js";
import { runMain } from "./run-main.js";
import { startRealtime, type Realtime } from "./composition/realtime.js";
import { CancellationSweep } from "./services/events/cancellation-sweep.js";
import { EventCancellationsRepo } from "./adapters/postgres/event-cancellations-repo.js";

const clientDistDir = fileURLToPath(new URL("../../client/dist", import.meta.url));

/** The process's connections: the app's pool, settlement's own, Redis and the ledger. */
function openConnections(config: Config, logger: Logger) {
  const pool = createPool(config.databaseUrl, { applicationName: "stampede-server", max: config.checkout.poolMax });
  // Payments are settled on connections of their own: a flood of holds cannot take them (0: shared).
  const { settlementPoolMax } = config.checkout;
  const settlementPool =
    settlementPoolMax > 0
      ? createPool(config.databaseUrl, { applicationName: "stampede-settlement", max: settlementPoolMax })
      : null;
  const redis = createRedis(config.redisUrl, "app");
  // The ledger exists before the app's metrics do: batch sizes are forwarded once they exist.
  const batches = { observe: (_events: number): void => {} };
  const ledger = createConfiguredLedger(config, { onBatch: (events) => batches.observe(events), logger });
  return { pool, settlementPool, redis, ledger, batches };
}

type Connections = ReturnType<typeof openConnections> & { bullRedis: Redis };

/** The app on this process's connections, as the config describes it. */
function buildApp(config: Config, conns: Connections, logger: Logger, publicUrl: () => string): App {
  const { pool, settlementPool, redis, ledger } = conns;
  return createApp({
    publicUrl,
    bullRedis: conns.bullRedis,
    webhookSecrets: () => [config.mockpay.webhookSecret],
    mockpayChaos: config.mockpay.chaos,
    ...(config.mockpay.url ? { paymentProvider: { url: config.mockpay.url, apiKey: config.mockpay.apiKey } } : {}),
    stripe: config.stripe,
    trustProxyHops: config.trustProxyHops,
    redisPrefix: config.redisPrefix,
    secretKey: config.secretKey,
    botDefence: { hmacKey: config.challengeHmacKey, defaultMode: config.botDefenceDefaultMode },
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
}

/** Graceful shutdown: sockets, then HTTP (in-flight requests get the shutdown timeout), then the
 * queues and connections, one after another. */
async function shutDown(
  config: Config,
  logger: Logger,
  running: { server: Server; realtime: Realtime; built: App; conns: Connections },
): Promise<void> {
  const { server, realtime, built, conns } = running;
  await realtime.close();
  const outcome = await closeHttpServer(server, config.shutdownTimeoutMs);
  logger.info({ outcome }, "http server closed");
  await runClosers(
    [
      { name: "queues", close: () => built.checkout.close() },
      { name: "bullmq redis", close: () => closeRedis(conns.bullRedis) },
      { name: "ledger", close: () => conns.ledger.close() },
      // The last admissions and leaves (buffered for about a second) reach the fairness audit.
      { name: "admission records", close: () => built.waitingRoom.recorder.flush() },
      { name: "postgres", close: () => Promise.all([conns.pool.end(), conns.settlementPool?.end()]) },
      { name: "redis", close: () => closeRedis(conns.redis) },
    ],
    logger,
  );
}

async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, "server");
  const banner = devDefaultsBanner(config);
  if (banner) console.warn(banner);

  await prepareServices(config);
  const opened = openConnections(config, logger);
  // The first statement on the app's own pool: PostgreSQL may restart between it and the set-up.
  await retryWhileUnavailable(() =>
    new AdminUsers(new AdminUsersRepo(opened.pool)).bootstrap(config.admin.username, config.admin.password),
  );
  await checkPaymentProviders(opened.pool, config, (message) => logger.warn(message));

  let publicUrl = config.publicUrl;
  const conns = { ...opened, bullRedis: createRedis(config.redisUrl, "bullmq") };
  const built = buildApp(config, conns, logger, () => publicUrl);
  opened.batches.observe = (events) => built.metrics.ledgerBatch.observe(events);
  const server = createServer(built.app);
  applyConnectionLimits(server, config.connections);
  answerUnparsableRequests(server);
  const realtime = startRealtime(server, built, {
    redis: conns.redis,
    adapterRedis: createRedis(config.redisUrl, "stream"),
    sharded:
      config.socketAdapter === "sharded" ? await shardedAdapter(config.redisUrl, `${config.redisPrefix}:sio`) : null,
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
  const stopResumingPayouts = built.checkout.resalePayouts.startResuming();
  const stopCancellationSweep = cancellationSweep(built, conns, logger).start();

  onShutdownSignals(async () => {
    stopResumingRefunds();
    stopResumingPayouts();
    stopCancellationSweep();
    await shutDown(config, logger, { server, realtime, built, conns });
  }, logger);
}

/** Cancelled events' holds ended and paid orders refunded, on every node (claims keep them apart). */
function cancellationSweep(built: App, conns: Connections, logger: Logger): CancellationSweep {
  const { settlement, ending } = built.checkout;
  return new CancellationSweep({
    cancellations: new EventCancellationsRepo(conns.pool),
    refund: (orderId) => settlement.refund(orderId),
    endHold: (orderId) => ending.cancel(orderId),
    logger,
  });
}

await runMain(start);
