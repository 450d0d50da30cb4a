// Composition root of a workers process: the same config and start checks as the server, one
// BullMQ Worker per registered queue, graceful shutdown (finish the jobs in hand, then close).
import { Queue, Worker } from "bullmq";
import { closeRedis, createRedis } from "@stampede/server/adapters/redis/connection";
import { createPool } from "@stampede/server/adapters/postgres/pool";
import { createConfiguredLedger, prepareServices } from "@stampede/server/bootstrap";
import { WaitingRoomStore } from "@stampede/server/adapters/redis/waiting-room/store";
import { EventsRepo } from "@stampede/server/services/events/events-repo";
import { DomainEvents } from "@stampede/server/services/orders/domain-events";
import { HoldEnding } from "@stampede/server/services/orders/hold-ending";
import { OrdersRepo } from "@stampede/server/services/orders/orders-repo";
import { devDefaultsBanner, type Config } from "@stampede/server/config";
import { onShutdownSignals, runClosers } from "@stampede/server/lifecycle";
import { createLogger } from "@stampede/server/logger";
import { runMain } from "@stampede/server/run-main";
import { processors } from "./processors.js";

/** How often the job schedulers are looked up (and put back if Redis lost them). */
const schedulerCheckEveryMs = 5_000;

async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, "workers");
  const banner = devDefaultsBanner(config);
  if (banner) console.warn(banner);
  await prepareServices(config);

  const pool = createPool(config.databaseUrl, { applicationName: "stampede-workers" });
  const redis = createRedis(config.redisUrl, "app");
  const bullConnection = createRedis(config.redisUrl, "bullmq");
  const ledger = createConfiguredLedger(config);
  const orders = new OrdersRepo(pool);
  const ending = new HoldEnding({
    pool, orders, ledger, events: new EventsRepo(pool), store: new WaitingRoomStore(redis, config.redisPrefix), domainEvents: new DomainEvents(redis, config.redisPrefix, logger),
  });
  const deps = { logger, pool, redis, redisPrefix: config.redisPrefix, webhookSecret: config.mockpay.webhookSecret, orders, ending };
  const bull = { connection: bullConnection, prefix: `${config.redisPrefix}:bull` };
  // Repeatable jobs (the sweeper, MockPay's relay). Upserting a scheduler is idempotent across
  // workers and restarts. Every few seconds each is looked up and put back if Redis lost it (a
  // flush or a restart without persistence), so the sweeper's backstop is gone for seconds, not a minute.
  const scheduled = processors.filter((x) => x.schedule).map((p) => ({ queue: new Queue(p.queue, bull), schedule: p.schedule! }));
  const upsert = ({ queue, schedule }: (typeof scheduled)[number]) =>
    queue.upsertJobScheduler(schedule.id, { every: schedule.everyMs }, { name: schedule.id });
  await Promise.all(scheduled.map(upsert));
  const restoreLost = async () => {
    for (const s of scheduled) {
      if (await s.queue.getJobScheduler(s.schedule.id)) continue;
      await upsert(s);
      logger.warn({ queue: s.queue.name, scheduler: s.schedule.id }, "job scheduler was missing from Redis (flushed, restarted): put back");
    }
  };
  const checkSchedulers = () => void restoreLost().catch((err: unknown) => logger.warn({ err }, "checking job schedulers failed"));
  const reschedule = setInterval(checkSchedulers, schedulerCheckEveryMs);
  const workers = processors.map(
    (p) =>
      // A job whose process died (its lock not renewed) is taken up by another workers process.
      new Worker(p.queue, p.create(deps), {
        ...bull,
        concurrency: p.concurrency,
        lockDuration: config.jobLockMs,
        stalledInterval: config.jobLockMs,
      }),
  );
  for (const w of workers) w.on("failed", (job, err) => logger.warn({ queue: w.name, jobId: job?.id, err }, "job failed"));
  // Redis going away is reported here (and by failing jobs); BullMQ reconnects on its own. Without
  // a listener the error would reach EventEmitter's "unhandled 'error'" path.
  const onError = (queue: string) => (err: Error) => logger.warn({ err, queue }, "queue connection error");
  for (const w of workers) w.on("error", onError(w.name));
  for (const { queue } of scheduled) queue.on("error", onError(queue.name));
  logger.info({ queues: processors.map((p) => p.queue) }, "workers running");
  console.log(`stampede workers running (${processors.length} queues)`);

  onShutdownSignals(async () => {
    clearInterval(reschedule);
    await runClosers(
      [
        ...scheduled.map(({ queue }) => ({ name: `queue ${queue.name}`, close: () => queue.close() })),
        ...workers.map((w) => ({ name: `worker ${w.name}`, close: () => w.close() })),
        { name: "bullmq redis", close: () => closeRedis(bullConnection) },
        { name: "redis", close: () => closeRedis(redis) },
        { name: "ledger", close: () => ledger.close() },
        { name: "postgres", close: () => pool.end() },
      ],
      logger,
      config.shutdownTimeoutMs,
    );
  }, logger);
}

await runMain(start);
