// The app factory: takes connected adapters, wires services and routes, returns an Express app.
// It reads no environment and opens no connections (main.ts does that), so tests build it freely.
import express, { type Express, type Router } from "express";
import helmet from "helmet";
import { accountOrdersListMax, httpJsonBodyBytesMax, resaleWritesPerAccountPerMinute } from "@stampede/shared/limits";
import { transactionsOn, type Pool } from "./adapters/postgres/pool.js";
import type { Redis } from "./adapters/redis/connection.js";
import type { Logger } from "./logger.js";
import { requestLogging } from "./http/request-logging.js";
import { docsRouter } from "./http/docs.js";
import { errorHandler, notFoundHandler } from "./http/errors.js";
import { healthRouter, type ReadinessChecks } from "./http/health.js";
import { createMetrics, metricsHandler, metricsMiddleware, type Metrics } from "./http/metrics.js";
import { OpenApiRegistry } from "./http/openapi.js";
import { ResponseCheck } from "./http/response-check.js";
import { prefixGate } from "./http/prefix-gate.js";
import { clientRouter } from "./http/static.js";
import { AdminUsers } from "./services/admin/admin-users.js";
import { AdminUsersRepo } from "./adapters/postgres/admin-users-repo.js";
import { AdminAudit } from "./adapters/postgres/admin-audit-repo.js";
import type { AdminAuthDeps } from "./services/admin/auth.js";
import { LoginLimiter, type LoginBackoffOptions } from "./services/admin/login-limiter.js";
import { adminAuthRoutes } from "./http/routes/admin-auth.js";
import { AdminSessions } from "./services/admin/sessions.js";
import { EventsRepo } from "./adapters/postgres/events-repo.js";
import { EventsService } from "./services/events/events-service.js";
import { eventRoutes } from "./http/routes/events.js";
import { eventCancelRoutes } from "./http/routes/event-cancel.js";
import { EventCancellation } from "./services/events/cancellation.js";
import { EventCancellationsRepo } from "./adapters/postgres/event-cancellations-repo.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import { fanSessionRoutes } from "./http/routes/fan-session.js";
import { accountRoutes, type AccountRoutesDeps } from "./http/routes/accounts.js";
import { Accounts } from "./services/accounts/accounts.js";
import { AccountsRepo } from "./adapters/postgres/accounts-repo.js";
import { AccountLinksRepo } from "./adapters/postgres/account-links-repo.js";
import { AccountLinkTokens } from "@stampede/shared/core/account-links";
import { OrderTokens } from "./services/orders/order-token.js";
import { orderView } from "./services/orders/order-view.js";
import { TokenService } from "./services/fans/tokens.js";
import { RoomRestore } from "./adapters/redis/waiting-room/room-restore.js";
import type { WaitingRoomStore } from "./adapters/redis/waiting-room/store.js";
import { RecordingWaitingRoomStore } from "./services/waiting-room/recording-store.js";
import { AdmissionRecorder } from "./services/waiting-room/admission-recorder.js";
import { AdmissionRecordsRepo } from "./adapters/postgres/admission-records-repo.js";
import { FairnessReports } from "./services/events/fairness-report.js";
import { fairnessRoutes } from "./http/routes/fairness.js";
import { RateLimit } from "./adapters/redis/rate-limit.js";
import { EventCache } from "./services/events/event-cache.js";
import { CheckpointsRepo } from "./adapters/postgres/checkpoints-repo.js";
import { LotteryRepo } from "./adapters/postgres/lottery-repo.js";
import { RoomRecovery } from "./services/waiting-room/room-recovery.js";
import { waitingRoomRoutes } from "./http/routes/waiting-room.js";
import { StockCache } from "./services/waiting-room/stock-cache.js";
import { WaitingRoomService } from "./services/waiting-room/waiting-room-service.js";
import { joinsPerFanPerMinuteMax } from "@stampede/shared/limits";
import type { ChaosSettings } from "./mockpay/index.js";
import { createCheckout, type Checkout } from "./composition/checkout.js";
import { OrdersRepo } from "./adapters/postgres/orders-repo.js";
import { CheckoutHealthMeter } from "./services/orders/checkout-health.js";
import { CheckoutHealthStore } from "./adapters/redis/checkout-health-store.js";
import { SteeringStore } from "./adapters/redis/waiting-room/steering-store.js";
import { CheckoutLoadRepo } from "./adapters/postgres/checkout-load-repo.js";
import { AuditFiguresRepo } from "./adapters/postgres/audit-figures.js";
import { AdmissionSteering } from "./services/waiting-room/steering.js";
import { benchRoutes } from "./http/routes/bench-results.js";
import { BenchResultsStore } from "./services/bench/results-store.js";
import { configuredProviders } from "./composition/payments.js";
import type { StripeConfig } from "./config.js";
import { createResale, ResaleChanges } from "./composition/resale.js";
import { resaleRoutes } from "./http/routes/resale.js";
import { waitlistRoutes } from "./http/routes/waitlist.js";
import { createWaitlist } from "./composition/waitlist.js";
import type { WaitlistService } from "./services/waiting-room/waitlist-service.js";
import { fanRefundRoutes, type FanRefundRouteDeps } from "./http/routes/fan-refunds.js";
import { RefundPoliciesRepo } from "./adapters/postgres/refund-policies-repo.js";
import { FanRefunds } from "./services/orders/fan-refunds.js";
import { botDefenceRoutes } from "./http/routes/bot-defence.js";
import { BotDefenceRepo } from "./adapters/postgres/bot-defence-repo.js";
import { JoinPressureStore } from "./adapters/redis/join-pressure.js";
import { challengeKeyFrom, JoinChallenge } from "./services/waiting-room/join-challenge.js";
import { botDefenceDefaults, type BotDefenceMode } from "@stampede/shared/api/bot-defence";

export interface AppDeps {
  /** The public base URL; a function because a node listening on port 0 learns its port late. */
  publicUrl: () => string;
  /** BullMQ connection for the queues this node adds jobs to (expiry jobs, webhook deliveries). */
  bullRedis: Redis;
  /** MockPay's webhook secret(s): several during a rotation. */
  webhookSecrets: () => string[];
  mockpayChaos: ChaosSettings;
  /** MockPay in its own process (MOCKPAY_URL and the shop's key); unset, MockPay is mounted in this app. */
  paymentProvider?: { url: string; apiKey: string };
  /** Stripe Checkout as a second provider events may choose; unset or null: MockPay only. */
  stripe?: StripeConfig | null;
  trustProxyHops: number;
  redisPrefix: string;
  /** Signing secret (SECRET_KEY); per-purpose keys are derived from it. */
  secretKey: string;
  /** How long a claimed Idempotency-Key stays in progress before a retry may resume it; 30 s if unset. */
  idempotencyLeaseMs?: number;
  logger: Logger;
  pool: Pool;
  /** Settlement's own connections, so holds never starve payments; absent: the shared pool. */
  settlementPool?: Pool;
  /** Hold requests worked on at once and waiting (limits.ts defaults). */
  holdGate?: { concurrency: number; queueMax: number; queueWaitMaxMs: number };
  redis: Redis;
  ledger: Ledger;
  readiness: ReadinessChecks;
  /** Per-IP limits (config): new fan sessions and queue joins per minute. */
  limits: { sessionsPerIpPerMinute: number; joinsPerIpPerMinute: number };
  clientDistDir: string;
  /** Recorded benchmark runs served at /api/bench/results; null or absent: not served (404). */
  benchResultsDir?: string | null;
  /** Admin sign-in backoff; defaults from limits.ts (tests use a clock they control). */
  adminLoginBackoff?: LoginBackoffOptions;
  version?: string;
  /** Parse each JSON answer with its route's declared schema; log and count mismatches (config: responseCheck). Off if absent. */
  checkResponses?: boolean;
  /** Bot defence at the join: the challenges' HMAC key (CHALLENGE_HMAC_KEY; absent: derived from secretKey) and a clock (tests). */
  botDefence?: { hmacKey?: string | null; defaultMode?: BotDefenceMode; now?: () => number };
}

export interface App {
  app: Express;
  metrics: Metrics;
  admin: AdminAuthDeps;
  events: EventsService;
  tokens: TokenService;
  waitingRoom: WaitingRoomParts;
  checkout: Checkout;
  ledger: Ledger;
  /** This node's view of the checkout's health; published to Redis for self-tuning admission. */
  health: CheckoutHealthMeter;
  healthStore: CheckoutHealthStore;
  /** Null when answers are not checked (checkResponses). */
  responseCheck: ResponseCheck | null;
  /** "This event's resale listings changed" on this node (the realtime layer tells the pages). */
  resaleChanges: ResaleChanges;
  /** Resale's listings, purchases and repository (the tickers read the line-first offers). */
  resale: ReturnType<typeof createResale>;
}

/** The waiting room's parts, shared by the HTTP routes and the realtime layer. */
export interface WaitingRoomParts {
  store: WaitingRoomStore;
  service: WaitingRoomService;
  /** Makes rooms, rebuilds lost ones, saves their checkpoints. */
  recovery: RoomRecovery;
  eventCache: EventCache;
  eventsRepo: EventsRepo;
  lottery: LotteryRepo;
  stock: StockCache;
  /** The admission plan of each tick: auto or manual rate, stock room (steering.ts). */
  steering: AdmissionSteering;
  /** Where the plan's controller keeps its state and steps (the dashboard reads them). */
  steeringStore: SteeringStore;
  joinLimits: { perIp: RateLimit; perFan: RateLimit };
  /** Bot defence: whether a join must bring a solved challenge (both join paths ask it first). */
  joinChallenge: JoinChallenge;
  /** The fairness audit's recording (buffered facts, flushed about once a second) and its reports. */
  recorder: AdmissionRecorder;
  fairness: FairnessReports;
  /** The waiting list after a sell-out: its routes and the tickers' offers. */
  waitlist: WaitlistService;
}

/** The waiting room's parts: the Redis store, its recovery from PostgreSQL, the service, limits. */
function createWaitingRoom(
  deps: AppDeps,
  shared: { tokens: TokenService; eventsRepo: EventsRepo; orders: OrdersRepo; healthStore: CheckoutHealthStore },
): WaitingRoomParts {
  const { tokens, eventsRepo, orders } = shared;
  const admissionRecords = new AdmissionRecordsRepo(deps.pool);
  const recorder = new AdmissionRecorder(admissionRecords, deps.logger);
  const store = new RecordingWaitingRoomStore(deps.redis, deps.redisPrefix, recorder);
  const stock = new StockCache(deps.ledger);
  const steeringStore = new SteeringStore(deps.redis, (eventId) => store.keys(eventId));
  const steering = new AdmissionSteering({
    health: shared.healthStore,
    store: steeringStore,
    stock,
    load: new CheckoutLoadRepo(deps.pool),
  });
  const eventCache = new EventCache(eventsRepo);
  const recovery = new RoomRecovery({
    restore: new RoomRestore(deps.redis, deps.redisPrefix),
    checkpoints: new CheckpointsRepo(deps.pool),
    tokens,
    admissionUsed: (fanId, jti) => orders.admissionUsed(fanId, jti),
    logger: deps.logger,
  });
  const service = new WaitingRoomService(store, eventCache, tokens, recovery);
  const joinChallenge = new JoinChallenge({
    settings: new BotDefenceRepo(deps.pool),
    pressure: new JoinPressureStore(deps.redis, deps.redisPrefix),
    hmacKey: deps.botDefence?.hmacKey ?? challengeKeyFrom(deps.secretKey),
    // Unconfigured (tests building the app), events without settings of their own are not checked.
    defaults: { ...botDefenceDefaults, mode: deps.botDefence?.defaultMode ?? "off" },
    inRoom: async (eventId, fanId) => (await store.entry(eventId, fanId)) !== null,
    exists: async (eventId) => (await service.event(eventId)) !== null,
    ...(deps.botDefence?.now ? { now: deps.botDefence.now } : {}),
  });
  return {
    store,
    eventCache,
    eventsRepo,
    service,
    joinChallenge,
    recovery,
    lottery: new LotteryRepo(deps.pool),
    stock,
    steering,
    steeringStore,
    joinLimits: {
      perIp: new RateLimit(deps.redis, deps.redisPrefix, "join-ip", deps.limits.joinsPerIpPerMinute),
      perFan: new RateLimit(deps.redis, deps.redisPrefix, "join-fan", joinsPerFanPerMinuteMax),
    },
    recorder,
    fairness: new FairnessReports(admissionRecords, recorder),
    waitlist: createWaitlist(deps, { room: service, store, stock }),
  };
}

/** The services the routes and the realtime layer share: admin auth, events, fans' tokens, the
 * waiting room and the checkout (its routes are declared, in the OpenAPI registry too, as it is built). */
function createServices(deps: AppDeps, registry: OpenApiRegistry) {
  const admin: AdminAuthDeps = {
    users: new AdminUsers(new AdminUsersRepo(deps.pool)),
    sessions: new AdminSessions(deps.redis, deps.redisPrefix),
    limiter: new LoginLimiter(deps.redis, deps.redisPrefix, deps.adminLoginBackoff),
    audit: new AdminAudit(deps.pool, deps.logger),
  };

  const eventsRepo = new EventsRepo(deps.pool);
  const paymentProviders = configuredProviders(deps.stripe ?? null);
  const events = new EventsService(eventsRepo, deps.ledger, paymentProviders, transactionsOn(deps.pool));
  const tokens = new TokenService(deps.secretKey);
  const orders = new OrdersRepo(deps.pool);
  const health = new CheckoutHealthMeter();
  const healthStore = new CheckoutHealthStore(deps.redis, deps.redisPrefix);
  const waitingRoom = createWaitingRoom(deps, { tokens, eventsRepo, orders, healthStore });
  const resaleChanges = new ResaleChanges();
  const checkout = wireCheckout(deps, registry, {
    ...{ admin, tokens, events, eventsRepo, orders, health, waitingRoom },
    resaleChanged: resaleChanges.changed,
  });
  const resale = createResale({
    ...{ pool: deps.pool, ledger: deps.ledger, events: waitingRoom.eventCache, providers: checkout.providers },
    ...{ secretKey: deps.secretKey, publicUrl: deps.publicUrl, changes: resaleChanges },
    waiting: async (eventId) => (await waitingRoom.store.snapshot(eventId)).waiting,
    checkAdmission: (event, fanId, token) => checkout.holds.checkAdmission(event, fanId, token),
  });
  return { admin, events, tokens, waitingRoom, checkout, health, healthStore, paymentProviders, resaleChanges, resale };
}

/** The checkout, given the app's settings and the services it shares with the rest of the app. */
function wireCheckout(
  deps: AppDeps,
  registry: OpenApiRegistry,
  shared: {
    admin: AdminAuthDeps;
    tokens: TokenService;
    events: EventsService;
    eventsRepo: EventsRepo;
    orders: OrdersRepo;
    health: CheckoutHealthMeter;
    waitingRoom: WaitingRoomParts;
    resaleChanged: (eventId: string) => void;
  },
): Checkout {
  const { waitingRoom } = shared;
  return createCheckout({
    pool: deps.pool,
    ...(deps.settlementPool ? { settlementPool: deps.settlementPool } : {}),
    health: shared.health,
    ...(deps.holdGate ? { holdGate: deps.holdGate } : {}),
    redis: deps.redis,
    bullRedis: deps.bullRedis,
    redisPrefix: deps.redisPrefix,
    ledger: deps.ledger,
    logger: deps.logger,
    registry,
    publicUrl: deps.publicUrl,
    secretKey: deps.secretKey,
    idempotencyLeaseMs: deps.idempotencyLeaseMs ?? 30_000,
    webhookSecrets: deps.webhookSecrets,
    chaos: deps.mockpayChaos,
    provider: deps.paymentProvider,
    stripe: deps.stripe ?? null,
    admin: shared.admin,
    tokens: shared.tokens,
    events: shared.events,
    eventsRepo: shared.eventsRepo,
    eventCache: waitingRoom.eventCache,
    store: waitingRoom.store,
    stock: waitingRoom.stock,
    steering: waitingRoom.steeringStore,
    orders: shared.orders,
    restoreAdmission: (eventId, fanId, claims) => waitingRoom.recovery.restoreAdmission(eventId, fanId, claims),
    resaleChanged: shared.resaleChanged,
  });
}

type Services = ReturnType<typeof createServices>;

/** Cancelling events: the status move and the refunds' work list in one transaction (the workers refund). */
function eventCancellation(deps: AppDeps, services: Services): EventCancellation {
  const { events, waitingRoom } = services;
  const cancellations = new EventCancellationsRepo(deps.pool);
  return new EventCancellation({
    transactions: transactionsOn(deps.pool),
    events,
    eventsRepo: waitingRoom.eventsRepo,
    cancellations,
  });
}

/** Fan accounts: sign-ins slowed like the admins' (counted apart), "My tickets" from the orders. */
function accountRouteDeps(deps: AppDeps, services: Services, secureCookies: boolean): AccountRoutesDeps {
  const { checkout, tokens } = services;
  const limiter = new LoginLimiter(deps.redis, deps.redisPrefix, { ...deps.adminLoginBackoff, scope: "account-login" });
  const accounts = new Accounts({
    repo: new AccountsRepo(deps.pool),
    links: new AccountLinksRepo(deps.pool),
    linkTokens: new AccountLinkTokens(deps.secretKey),
    limiter,
  });
  const orderTokens = new OrderTokens(deps.secretKey);
  const ordersOf: AccountRoutesDeps["ordersOf"] = async (owner) => {
    const records = await checkout.orders.listForAccount(owner, accountOrdersListMax);
    return Promise.all(
      records.map(async (order) => {
        const orderToken = orderTokens.of(order.id).token;
        return { order: await orderView(checkout, order, orderToken), orderToken };
      }),
    );
  };
  return { accounts, tokens, ordersOf, secureCookies };
}

/** Fans' own refunds: the event's window decides, the admin's refund path refunds. */
function fanRefundDeps(deps: AppDeps, services: Services): FanRefundRouteDeps {
  const { checkout, tokens, admin, events, waitingRoom } = services;
  const policies = new RefundPoliciesRepo(deps.pool);
  const refunds = new FanRefunds({
    ...{ policies, tickets: checkout.tickets, events: waitingRoom.eventCache },
    refund: (orderId) => checkout.settlement.refund(orderId),
  });
  return { orders: checkout.orders, tickets: checkout.tickets, tokens, refunds, policies, events, admin };
}

/** What every request passes through before the routes: proxy trust, logging, security headers,
 * metrics, the payment webhook (it needs the raw body) and the JSON body parser. */
function mountMiddleware(
  app: Express,
  deps: AppDeps,
  parts: { metrics: Metrics; webhookRouter: Router; https: boolean },
): void {
  app.disable("x-powered-by");
  // Only the configured number of proxy hops is trusted for the client IP — never "everything",
  // or anyone could pick their own IP with X-Forwarded-For and dodge the rate limits.
  app.set("trust proxy", deps.trustProxyHops);
  app.use(requestLogging(deps.logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { upgradeInsecureRequests: parts.https ? [] : null, connectSrc: ["'self'", "ws:", "wss:"] },
      },
      strictTransportSecurity: parts.https,
    }),
  );
  app.use(metricsMiddleware(parts.metrics));
  app.use(parts.webhookRouter);
  app.use(express.json({ limit: httpJsonBodyBytesMax }));
}

/** The API: health, metrics, each feature's routes behind its prefix gate, and the OpenAPI document. */
function mountRoutes(
  app: Express,
  deps: AppDeps,
  services: Services,
  parts: { registry: OpenApiRegistry; metrics: Metrics; https: boolean },
): void {
  const { registry, https } = parts;
  const { admin, events, tokens, waitingRoom, checkout, paymentProviders } = services;
  const sessionLimit = new RateLimit(deps.redis, deps.redisPrefix, "session-ip", deps.limits.sessionsPerIpPerMinute);
  app.use(prefixGate(healthRouter(deps.readiness)));
  app.get("/metrics", metricsHandler(parts.metrics));
  app.use(prefixGate(adminAuthRoutes(admin, registry, { secureCookies: https, paymentProviders })));
  app.use(prefixGate(fanSessionRoutes(tokens, registry, { secureCookies: https, perIp: sessionLimit })));
  const accountDeps = accountRouteDeps(deps, services, https);
  app.use(prefixGate(accountRoutes(accountDeps, registry)));
  const writes = new RateLimit(deps.redis, deps.redisPrefix, "resale-account", resaleWritesPerAccountPerMinute);
  app.use(prefixGate(resaleRoutes({ accounts: accountDeps.accounts, admin, writes, ...services.resale }, registry)));
  app.use(prefixGate(fanRefundRoutes(fanRefundDeps(deps, services), registry)));
  const room = {
    waitingRoom: waitingRoom.service,
    lottery: waitingRoom.lottery,
    tokens,
    joinLimits: waitingRoom.joinLimits,
    joinChallenge: waitingRoom.joinChallenge,
  };
  app.use(prefixGate(waitingRoomRoutes(room, registry)));
  const waitlist = { waitlist: waitingRoom.waitlist, tokens, perFan: waitingRoom.joinLimits.perFan, admin };
  app.use(prefixGate(waitlistRoutes({ ...waitlist, joinChallenge: waitingRoom.joinChallenge }, registry)));
  const botDefence = { challenges: waitingRoom.joinChallenge, waitingRoom: waitingRoom.service, events, tokens, admin };
  app.use(prefixGate(botDefenceRoutes(botDefence, registry)));
  const auditFigures = new AuditFiguresRepo(deps.pool);
  const cancellation = eventCancellation(deps, services);
  app.use(prefixGate(eventRoutes({ events, ledger: deps.ledger, admin, auditFigures, cancellation }, registry)));
  app.use(prefixGate(eventCancelRoutes({ admin, cancellation }, registry)));
  app.use(prefixGate(fairnessRoutes({ events, admin, reports: waitingRoom.fairness }, registry)));
  for (const router of checkout.routers) app.use(prefixGate(router));
  app.use(
    prefixGate(
      benchRoutes(deps.benchResultsDir ? new BenchResultsStore(deps.benchResultsDir, deps.logger) : null, registry),
    ),
  );
  app.use(
    docsRouter(() =>
      registry.document({ title: "Stampede API", version: deps.version ?? "1", serverUrl: deps.publicUrl() }),
    ),
  );
}

/** What no route answered: a JSON 404 under /api, the client's pages, then 404 and the error handler. */
function mountFallbacks(app: Express, clientDistDir: string): void {
  app.use("/api", notFoundHandler);
  app.use(clientRouter(clientDistDir));
  app.use(notFoundHandler);
  app.use(errorHandler);
}

export function createApp(deps: AppDeps): App {
  const app = express();
  const metrics = createMetrics();
  const responseCheck = deps.checkResponses ? new ResponseCheck(metrics.registry) : null;
  const registry = new OpenApiRegistry(responseCheck);
  const https = deps.publicUrl().startsWith("https:");
  const services = createServices(deps, registry);
  mountMiddleware(app, deps, { metrics, webhookRouter: services.checkout.webhookRouter, https });
  mountRoutes(app, deps, services, { registry, metrics, https });
  mountFallbacks(app, deps.clientDistDir);
  return {
    app,
    metrics,
    admin: services.admin,
    events: services.events,
    tokens: services.tokens,
    waitingRoom: services.waitingRoom,
    checkout: services.checkout,
    ledger: deps.ledger,
    health: services.health,
    healthStore: services.healthStore,
    responseCheck,
    resaleChanges: services.resaleChanges,
    resale: services.resale,
  };
}
