// Wires checkout: MockPay (the simulated provider), holds, settlement, hold ending, tickets and
// their routes. The app factory calls this once; the parts are returned for the realtime layer,
// the tests, and shutdown.
import type { Router } from "express";
import { Queue } from "bullmq";
import {
  holdQueueWaitMaxMs,
  holdsInFlightMax,
  holdsQueuedMax,
  webhookQueueWaitMaxMs,
  webhooksInFlightMax,
  webhooksQueuedMax,
} from "@stampede/shared/limits";
import { admissionGate, type AdmissionGate } from "../adapters/batching/admission-gate.js";
import { coalesce } from "../adapters/batching/coalesce.js";
import type { HoldView } from "@stampede/shared/api/orders";
import { aboutToOrderWindowMs } from "@stampede/shared/core/admission-control";
import type { Ledger } from "@stampede/shared/ledger/port";
import { transactionsOn, type Pool } from "../adapters/postgres/pool.js";
import { PaidBatch } from "../adapters/postgres/paid-batch.js";
import { PaymentInbox } from "../adapters/postgres/payment-inbox.js";
import { RefundIntentsRepo } from "../adapters/postgres/refund-intents-repo.js";
import type { Redis } from "../adapters/redis/connection.js";
import { bullPrefix } from "../adapters/bullmq/prefix.js";
import type { WaitingRoomStore } from "../adapters/redis/waiting-room/store.js";
import type { SteeringStore } from "../adapters/redis/waiting-room/steering-store.js";
import type { Logger } from "../logger.js";
import type { OpenApiRegistry } from "../http/openapi.js";
import { MockPayClient } from "../payments/mockpay-client.js";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { PaymentEvent } from "@stampede/shared/ports/payment-provider";
import {
  createMockPay,
  mockpayWebhookQueue,
  type ChaosSettings,
  type MockPay,
  type MockPayJobData,
} from "../mockpay/index.js";
import type { AdminAuthDeps } from "../services/admin/auth.js";
import { EventCache } from "../services/events/event-cache.js";
import { EventsRepo } from "../adapters/postgres/events-repo.js";
import type { EventsService } from "../services/events/events-service.js";
import type { TokenService } from "../services/fans/tokens.js";
import type { StockCache } from "../services/waiting-room/stock-cache.js";
import { adminOrderRoutes } from "../http/routes/admin-orders.js";
import type { CheckoutHealthMeter } from "../services/orders/checkout-health.js";
import { ShortCodeMisses } from "../services/orders/checkin.js";
import { DomainEvents } from "../adapters/redis/domain-events.js";
import { HoldEnding } from "@stampede/shared/core/hold-ending";
import { HoldsService, type HoldsDeps } from "../services/orders/holds-service.js";
import { IdempotentRequests } from "../services/orders/idempotency.js";
import { OrderTokens } from "../services/orders/order-token.js";
import { OrdersRepo } from "../adapters/postgres/orders-repo.js";
import { IdempotencyStore } from "../adapters/postgres/idempotency-store.js";
import { SalesFigures } from "../adapters/postgres/sales-figures.js";
import { TicketsRepo } from "../adapters/postgres/tickets-repo.js";
import { orderRoutes } from "../http/routes/orders.js";
import { accessCodeRoutes } from "../http/routes/access-codes.js";
import { AccessCodes } from "../services/orders/access-codes.js";
import { CodesRepo } from "../adapters/postgres/codes-repo.js";
import { Settlement } from "../services/orders/settlement.js";
import { newShortCode, TicketCodes } from "../services/orders/ticket-codes.js";
import { webhookRoutes } from "../http/routes/payment-webhook.js";
import type { StripeConfig } from "../config.js";
import { paymentProviderSet } from "./payments.js";
import { expiryJob, holdExpiryQueue } from "../adapters/bullmq/hold-expiry-queue.js";
import { ResaleRepo } from "../adapters/postgres/resale-repo.js";
import { ResaleSettlement } from "../services/resale/resale-settlement.js";
import { ResalePayoutsRepo } from "../adapters/postgres/resale-payouts-repo.js";
import { ResalePayouts } from "../services/resale/payouts.js";

const expiryJobOptions = {
  removeOnComplete: true,
  removeOnFail: 1_000,
  attempts: 5,
  backoff: { type: "exponential" as const, delay: 1_000 },
};

export interface CheckoutDeps {
  pool: Pool;
  /** Settlement's own connections (holds cannot take them); absent: the shared pool. */
  settlementPool?: Pool;
  /** This node's view of the checkout's health (self-tuning admission reads it). */
  health: CheckoutHealthMeter;
  /** Hold requests worked on at once and waiting; default holdsInFlightMax and holdsQueuedMax. */
  holdGate?: { concurrency: number; queueMax: number; queueWaitMaxMs: number };
  redis: Redis;
  /** A BullMQ connection (maxRetriesPerRequest: null) for the queues this node adds jobs to. */
  bullRedis: Redis;
  redisPrefix: string;
  ledger: Ledger;
  logger: Logger;
  registry: OpenApiRegistry;
  publicUrl: () => string;
  secretKey: string;
  idempotencyLeaseMs: number;
  webhookSecrets: () => string[];
  /** Stripe Checkout beside MockPay; null when STRIPE_SECRET_KEY is unset. */
  stripe: StripeConfig | null;
  chaos: ChaosSettings;
  /** MockPay in its own process (MOCKPAY_URL): the shop calls its API; unset, MockPay runs in here. */
  provider?: { url: string; apiKey: string };
  admin: AdminAuthDeps;
  tokens: TokenService;
  events: EventsService;
  eventsRepo: EventsRepo;
  eventCache: EventCache;
  store: WaitingRoomStore;
  steering: SteeringStore;
  stock: StockCache;
  orders: OrdersRepo;
  /** Gives back an admission the waiting room lost with its store (HoldsDeps.restoreAdmission). */
  restoreAdmission: HoldsDeps["restoreAdmission"];
  /** Tells an event's open pages that its resale listings changed. */
  resaleChanged(eventId: string): void;
}

export interface Checkout {
  /** Mounted before the JSON body parser: it verifies signatures over the raw body. */
  webhookRouter: Router;
  routers: Router[];
  /** MockPay when it runs inside this server; null when it is its own process. */
  mockpay: MockPay | null;
  orders: OrdersRepo;
  tickets: TicketsRepo;
  /** The orders' counts, revenue and sales lines (the admin's stats, the dashboard's push). */
  salesFigures: SalesFigures;
  holds: HoldsService;
  settlement: Settlement;
  /** Resale purchases' payments (their provider reference is `resale_<purchaseId>`). */
  resaleSettlement: ResaleSettlement;
  /** Sellers' resale payouts through the event's provider (each node resumes the pending ones). */
  resalePayouts: ResalePayouts;
  /** The payment providers this install takes payments with (by the name an event chooses). */
  providers: PaymentProviders;
  ending: HoldEnding;
  codes: TicketCodes;
  domainEvents: DomainEvents;
  close(): Promise<void>;
}

/** The provider the shop calls: MockPay's client when it is its own process, else MockPay in here
 * (with the queue its webhooks are delivered from). */
function paymentProvider(deps: CheckoutDeps, bull: { connection: Redis; prefix: string }) {
  if (deps.provider) {
    const client = new MockPayClient({ baseUrl: deps.provider.url, apiKey: deps.provider.apiKey });
    return { provider: client, mockpay: null, queues: [], close: () => client.close() };
  }
  const queue = new Queue<MockPayJobData>(mockpayWebhookQueue, bull);
  const webhookUrl = () => `${deps.publicUrl()}/api/payments/webhook`;
  const mockpay = createMockPay({
    pool: deps.pool,
    queue,
    publicUrl: deps.publicUrl,
    webhookUrl,
    chaos: deps.chaos,
    logger: deps.logger,
    registry: deps.registry,
  });
  return { provider: mockpay.provider, mockpay, queues: [queue], close: () => {} };
}

export function createCheckout(deps: CheckoutDeps): Checkout {
  const bull = { connection: deps.bullRedis, prefix: bullPrefix(deps.redisPrefix, deps.bullRedis) };
  const { provider, mockpay, queues, close: closeProvider } = paymentProvider(deps, bull);
  const expiryQueue = new Queue<{ dueAtMs: number }>(holdExpiryQueue, bull);
  // Without listeners BullMQ prints connection errors to stderr while Redis is away.
  for (const q of [...queues, expiryQueue])
    q.on("error", (err) => deps.logger.warn({ err, queue: q.name }, "queue connection error"));
  const payments = paymentProviderSet(provider, deps.webhookSecrets, deps.stripe);
  const parts = checkoutServices(deps, payments.providers, expiryScheduler(expiryQueue));
  const { holdGate, webhookGate } = checkoutGates(deps);
  const { settlement, resaleSettlement } = parts;
  // One endpoint per provider: a resale purchase's events go to its own settlement.
  const settling = {
    applyWebhook: (evt: PaymentEvent) =>
      ResaleSettlement.owns(evt) ? resaleSettlement.applyWebhook(evt) : settlement.applyWebhook(evt),
    recordIgnored: (id: string, type: string) => settlement.recordIgnored(id, type),
  };
  return {
    providers: payments.providers,
    webhookRouter: webhookRoutes(
      { settlement: settling, logger: deps.logger, gate: webhookGate, health: deps.health },
      payments.endpoints,
      deps.registry,
    ),
    routers: [...(mockpay ? [mockpay.router] : []), ...checkoutRouters(deps, parts, holdGate)],
    mockpay,
    ...parts,
    async close() {
      await Promise.all([...queues, expiryQueue].map((q) => q.close()));
      closeProvider();
      payments.close();
    },
  };
}

/** Schedules the expiry jobs of holds: one job per second that holds expire in, not one per hold. */
function expiryScheduler(expiryQueue: Queue<{ dueAtMs: number }>): (expiresAtMs: number) => Promise<void> {
  // Not a job per hold: concurrent holds add their seconds' jobs as one addBulk, and a second
  // that has a job already is not added again (this node remembers the seconds it scheduled;
  // BullMQ dedupes the job ids of other nodes). A job lost with Redis leaves its holds to the sweeper.
  const scheduled = new Set<string>();
  return coalesce(
    async (times: number[]) => {
      const jobs = new Map(
        times
          .map((t) => expiryJob(t))
          .filter((j) => !scheduled.has(j.jobId))
          .map((j) => [j.jobId, j]),
      );
      if (jobs.size > 0)
        await expiryQueue.addBulk(
          [...jobs.values()].map(({ jobId, dueAtMs }) => ({
            name: "expire-due",
            data: { dueAtMs },
            opts: { jobId, delay: Math.max(0, dueAtMs - Date.now()), ...expiryJobOptions },
          })),
        );
      forgetPast(scheduled);
      for (const jobId of jobs.keys()) scheduled.add(jobId);
      return times.map(() => undefined);
    },
    { deadlineMs: 5_000, isUnavailable: () => true, unavailable: (message) => new Error(`expiry queue: ${message}`) },
  );
}

/** Settlement's transactions and the repositories of its writes, on the connections it settles on. */
function settlementRepos(pool: Pool) {
  return {
    transactions: transactionsOn(pool),
    inbox: new PaymentInbox(pool),
    paidBatch: new PaidBatch(pool, newShortCode),
    refundIntents: new RefundIntentsRepo(pool),
  };
}

/** The checkout's services: ticket codes, domain events, hold ending, settlement and holds. */
function checkoutServices(
  deps: CheckoutDeps,
  providers: PaymentProviders,
  scheduleExpiry: (expiresAtMs: number) => Promise<void>,
) {
  const orders = deps.orders;
  const codes = new TicketCodes(deps.secretKey);
  const orderTokens = new OrderTokens(deps.secretKey);
  const domainEvents = new DomainEvents(deps.redis, deps.redisPrefix, deps.logger);
  const ending = new HoldEnding({
    orders,
    events: deps.eventsRepo,
    ledger: deps.ledger,
    store: deps.store,
    domainEvents,
  });
  // Settlement reads orders and events on its own connections too, or a flood of holds would starve its reads.
  const own = deps.settlementPool;
  const repos = settlementRepos(own ?? deps.pool);
  const settlement = new Settlement({
    ...{ orders: own ? new OrdersRepo(own) : orders, ledger: deps.ledger, providers },
    ...repos,
    events: own ? new EventCache(new EventsRepo(own)) : deps.eventCache,
    ...{ codes, store: deps.store, domainEvents, logger: deps.logger },
  });
  const accessCodes = new AccessCodes({ repo: new CodesRepo(deps.pool), ledger: deps.ledger });
  const holds = new HoldsService({
    codes: accessCodes,
    ...{
      orders,
      events: deps.eventCache,
      tokens: deps.tokens,
      store: deps.store,
      ledger: deps.ledger,
      stock: deps.stock,
    },
    ...{ providers, orderTokens, domainEvents, publicUrl: deps.publicUrl },
    restoreAdmission: deps.restoreAdmission,
    scheduleExpiry: (_orderId, expiresAtMs) => scheduleExpiry(expiresAtMs),
  });
  const tickets = new TicketsRepo(deps.pool);
  const salesFigures = new SalesFigures(deps.pool);
  const resalePayouts = new ResalePayouts({
    repo: new ResalePayoutsRepo(own ?? deps.pool),
    providers,
    logger: deps.logger,
  });
  const resaleSettlement = new ResaleSettlement({
    ...{ repo: new ResaleRepo(own ?? deps.pool), ledger: deps.ledger, events: deps.eventCache },
    ...{ transactions: repos.transactions, inbox: repos.inbox, refunds: settlement.refunds, codes, orderTokens },
    ...{ domainEvents, changed: deps.resaleChanged, settleOrderEvent: (evt) => settlement.applyWebhook(evt) },
    payouts: resalePayouts,
  });
  return {
    ...{ orders, tickets, salesFigures, holds, settlement, resaleSettlement, resalePayouts },
    ...{ ending, codes, domainEvents, accessCodes },
  };
}

/** The fans' order routes (holds behind their gate) and the admin's. */
function checkoutRouters(
  deps: CheckoutDeps,
  parts: ReturnType<typeof checkoutServices>,
  holdGate: AdmissionGate,
): Router[] {
  const { orders, tickets, salesFigures, holds, settlement, ending, codes, accessCodes } = parts;
  const idempotency = new IdempotentRequests<HoldView>(new IdempotencyStore(deps.pool), {
    leaseMs: deps.idempotencyLeaseMs,
  });
  const checkinMisses = new ShortCodeMisses(deps.redis, deps.redisPrefix);
  return [
    orderRoutes(
      {
        holds,
        idempotency,
        orders,
        tickets,
        ending,
        tokens: deps.tokens,
        codes,
        holdGate,
        holdAnswered: (ms) => deps.health.holdAnswered(ms),
        stockRefusals: {
          note: (eventId, fanId) => deps.steering.noteStockRefusal(eventId, fanId, Date.now(), aboutToOrderWindowMs),
        },
      },
      deps.registry,
    ),
    adminOrderRoutes(
      {
        admin: deps.admin,
        orders,
        tickets,
        figures: salesFigures,
        settlement,
        codes,
        events: deps.events,
        ledger: deps.ledger,
        store: deps.store,
        steering: deps.steering,
        checkinMisses,
      },
      deps.registry,
    ),
    accessCodeRoutes({ codes: accessCodes, events: deps.events, admin: deps.admin }, deps.registry),
  ];
}

/** New holds yield to payment webhooks that have waited this long for their turn. */
const settleFirstAfterMs = 250;

/** The bounded queues in front of holds and webhook settlement; their fill is part of the checkout's health. */
function checkoutGates(deps: CheckoutDeps) {
  const webhookGate = admissionGate({
    what: "payment webhooks",
    concurrency: webhooksInFlightMax,
    queueMax: webhooksQueuedMax,
    queueWaitMaxMs: webhookQueueWaitMaxMs,
  });
  // Settlement first: while payments wait their turn, new holds are turned away (503, the page
  // retries) rather than let a refused webhook wait out the provider's backoff.
  const holdGate = admissionGate({
    what: "hold requests",
    concurrency: deps.holdGate?.concurrency ?? holdsInFlightMax,
    queueMax: deps.holdGate?.queueMax ?? holdsQueuedMax,
    queueWaitMaxMs: deps.holdGate?.queueWaitMaxMs ?? holdQueueWaitMaxMs,
    yieldWhile: () => webhookGate.oldestWaitMs > settleFirstAfterMs,
    onRefused: () => deps.health.holdRefused(),
  });
  deps.health.watch({
    holdsInFlight: () => holdGate.active + holdGate.queued,
    poolWaits: () => deps.pool.waitingCount + (deps.settlementPool?.waitingCount ?? 0),
    webhooksWaiting: () => webhookGate.active + webhookGate.queued,
  });
  return { holdGate, webhookGate };
}

/** Drops the seconds already past from the scheduled set, so it stays as small as the hold time. */
function forgetPast(scheduled: Set<string>): void {
  const now = Math.floor(Date.now() / 1000);
  for (const jobId of scheduled) if (Number(jobId.slice("expire-".length)) < now) scheduled.delete(jobId);
}
