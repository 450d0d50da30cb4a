// Composition root of a workers process: the same config and start checks as the server, one
// BullMQ Worker per registered queue, graceful shutdown (finish the jobs in hand, then close).
import { bullPrefix } from "@stampede/server/adapters/bullmq/prefix";
import { keepSchedulers, startWorker } from "@stampede/server/adapters/bullmq/run-queues";
import { mockpayWebhookQueue } from "@stampede/server/mockpay/queue";
import { closeRedis, createRedis } from "@stampede/server/adapters/redis/connection";
import { createPool } from "@stampede/server/adapters/postgres/pool";
import { createConfiguredLedger, prepareServices } from "@stampede/server/bootstrap";
import { WaitingRoomStore } from "@stampede/server/adapters/redis/waiting-room/store";
import { EventsRepo } from "@stampede/server/adapters/postgres/events-repo";
import { DomainEvents } from "@stampede/server/adapters/redis/domain-events";
import { HoldEnding } from "@stampede/shared/core/hold-ending";
import { OrdersRepo } from "@stampede/server/adapters/postgres/orders-repo";
import { OrderEmailsRepo } from "@stampede/server/adapters/postgres/order-emails-repo";
import { createMailTransport } from "@stampede/server/adapters/mail/transport";
import { OrderTokens, orderPageUrl } from "@stampede/shared/core/order-token";
import { ConfigError, devDefaultsBanner, mailProblems, type Config } from "@stampede/server/config";
import { onShutdownSignals, runClosers } from "@stampede/server/lifecycle";
import { createLogger } from "@stampede/server/logger";
import { runMain } from "@stampede/server/run-main";
import { AccountLinksRepo } from "@stampede/server/adapters/postgres/account-links-repo";
import { ResaleNoticesRepo } from "@stampede/server/adapters/postgres/resale-notices-repo";
import { WaitlistRepo } from "@stampede/server/adapters/postgres/waitlist-repo";
import { AccountLinkTokens, accountLinkUrl } from "@stampede/shared/core/account-links";
import { processors } from "./processors.js";
import type { ProcessorDeps } from "./processors/types.js";

async function start(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel, "workers");
  const mailRefused = mailProblems(config);
  if (mailRefused.length > 0) throw new ConfigError(mailRefused);
  const banner = devDefaultsBanner(config);
  if (banner) console.warn(banner);
  await prepareServices(config);

  const pool = createPool(config.databaseUrl, { applicationName: "stampede-workers" });
  const redis = createRedis(config.redisUrl, "app");
  const bullConnection = createRedis(config.redisUrl, "bullmq");
  const ledger = createConfiguredLedger(config, { logger });
  const orders = new OrdersRepo(pool);
  const ending = new HoldEnding({
    orders,
    ledger,
    events: new EventsRepo(pool),
    store: new WaitingRoomStore(redis, config.redisPrefix),
    domainEvents: new DomainEvents(redis, config.redisPrefix, logger),
  });
  const deps = {
    logger,
    pool,
    redis,
    redisPrefix: config.redisPrefix,
    webhookSecret: config.mockpay.webhookSecret,
    orders,
    ending,
    mail: mailDeps(config, pool),
  };
  const bull = { connection: bullConnection, prefix: bullPrefix(config.redisPrefix, bullConnection) };
  // MockPay as its own process delivers its webhooks itself: this process leaves that queue alone.
  const running = processors.filter((p) => config.mockpay.url === null || p.queue !== mockpayWebhookQueue);
  const scheduled = running.flatMap((p) =>
    p.schedule ? [{ queue: p.queue, schedule: typeof p.schedule === "function" ? p.schedule(deps) : p.schedule }] : [],
  );
  const schedulers = await keepSchedulers(scheduled, bull, logger);
  const workers = running.map((p) =>
    startWorker(p.queue, p.create(deps), { bull, concurrency: p.concurrency, lockMs: config.jobLockMs, logger }),
  );
  logger.info({ queues: running.map((p) => p.queue) }, "workers running");
  console.log(`stampede workers running (${running.length} queues)`);

  onShutdownSignals(async () => {
    schedulers.stop();
    await runClosers(
      [
        ...schedulers.queues.map((queue) => ({ name: `queue ${queue.name}`, close: () => queue.close() })),
        ...workers.map((w) => ({ name: `worker ${w.name}`, close: () => w.close() })),
        { name: "mail", close: async () => deps.mail.transport.close() },
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

/** Order, account, resale and waiting-list emails' dependencies; says at start where the messages go (the .eml folder, in development). */
function mailDeps(config: Config, pool: ProcessorDeps["pool"]): ProcessorDeps["mail"] {
  const transport = createMailTransport(config.mail);
  const tokens = new OrderTokens(config.secretKey);
  const linkTokens = new AccountLinkTokens(config.secretKey);
  console.log(
    config.mail.smtpUrl
      ? `stampede workers: order, account, resale and waiting-list emails sent over ${transport.where}`
      : `stampede workers: no SMTP_URL, order, account, resale and waiting-list emails written as .eml files to ${transport.where}`,
  );
  return {
    emails: new OrderEmailsRepo(pool),
    accountLinks: new AccountLinksRepo(pool),
    accountLinkUrl: (purpose, linkId) => accountLinkUrl(config.publicUrl, purpose, linkTokens.of(linkId).token),
    resaleNotices: new ResaleNoticesRepo(pool),
    waitlist: new WaitlistRepo(pool),
    eventUrl: (eventId) => `${config.publicUrl}/events/${encodeURIComponent(eventId)}`,
    accountUrl: `${config.publicUrl}/account`,
    transport,
    from: config.mail.from,
    orderUrl: (orderId) => orderPageUrl(config.publicUrl, orderId, tokens.of(orderId).token),
    sweepEveryMs: config.mail.sweepEveryMs,
  };
}

await runMain(start);
