// Starts the realtime side of a server node on its HTTP server: Socket.IO (rooms shared through
// Redis), the waiting-room handlers and the per-event tickers. Returns one close() for shutdown.
import type { ShardedAdapter } from "../realtime/sharded-adapter.js";
import type { Server as HttpServer } from "node:http";
import { healthPublishMs, tickerLeaseMs } from "@stampede/shared/limits";
import type { App } from "../app.js";
import { closeRedis, type Redis } from "../adapters/redis/connection.js";
import type { Logger } from "../logger.js";
import { Lease } from "../services/waiting-room/lease.js";
import { RoomTickers } from "../realtime/room-tickers.js";
import { createIo, type StampedeIo } from "../realtime/io.js";
import { attachQueueHandlers } from "../realtime/queue-handlers.js";
import { rooms } from "@stampede/shared/protocol";
import { consumeDomainEvents, type DomainEventType } from "../adapters/redis/domain-events.js";
import { eventStats } from "../services/orders/stats.js";
import { attachAdminNamespace } from "../realtime/admin.js";

export interface RealtimeDeps {
  /** The node's request/response connection (leases). */
  redis: Redis;
  /** A dedicated blocking-read connection for the Socket.IO adapter; closed by close(). */
  adapterRedis: Redis;
  /** SOCKET_IO_ADAPTER=sharded: the sharded Pub/Sub adapter (its own clients; closed by close()). */
  sharded?: ShardedAdapter | null;
  /** A second blocking-read connection: the domain-event stream reader; closed by close(). */
  eventsRedis: Redis;
  redisPrefix: string;
  trustProxyHops: number;
  presenceGraceMs: number;
  logger: Logger;
}

export interface Realtime {
  io: StampedeIo;
  /** This node's id: the value it writes into the ticker leases it holds. */
  nodeId: string;
  tickers: RoomTickers;
  /** Stops the tickers (handing leases over), disconnects every socket, closes the adapter. */
  close(): Promise<void>;
}

/** This node's reading of the checkout's health, to Redis once a second (self-tuning admission reads every node's). */
function publishHealth(app: App, nodeId: string, logger: Logger): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    app.healthStore
      .publish(nodeId, app.health.reading(), Date.now())
      .catch((err: unknown) => logger.warn({ err }, "checkout health not published"))
      .finally(() => (busy = false));
  }, healthPublishMs);
  return () => clearInterval(timer);
}

/** Domain events after which an event has stock again that a sold-out snapshot would not show. */
const stockReturningEvents = new Set<DomainEventType>(["hold.voided", "hold.expired", "order.refunded"]);

/** Resale listings changed on this node: through the adapter, every node's sockets watching the event hear of it. */
function pushResaleChanges(app: App, io: StampedeIo): () => void {
  return app.resaleChanges.on((eventId) => io.to(rooms.event(eventId)).emit("resale:changed", { eventId }));
}

/** The per-event tickers of this node: admission, status frames, the line-first resale offers. */
function createTickers(app: App, io: StampedeIo, lease: Lease, deps: RealtimeDeps): RoomTickers {
  const wr = app.waitingRoom;
  return new RoomTickers({
    io,
    store: wr.store,
    repo: wr.eventsRepo,
    eventCache: wr.eventCache,
    lease,
    lottery: wr.lottery,
    stock: wr.stock,
    waitingRoom: wr.service,
    recovery: wr.recovery,
    logger: deps.logger,
    redisPrefix: deps.redisPrefix,
    presenceGraceMs: deps.presenceGraceMs,
    events: app.events,
    steering: wr.steering,
    resaleOffers: (eventId) => app.resale.repo.queueOffers(eventId),
    waitlist: wr.waitlist,
  });
}

export function startRealtime(server: HttpServer, app: App, deps: RealtimeDeps): Realtime {
  const io = createIo(server, {
    ...{ tokens: app.tokens, adapterRedis: deps.adapterRedis, redisPrefix: deps.redisPrefix },
    sharded: deps.sharded ?? null,
  });
  const wr = app.waitingRoom;
  attachQueueHandlers(io, {
    waitingRoom: wr.service,
    store: wr.store,
    stock: wr.stock,
    joinLimits: wr.joinLimits,
    joinChallenge: wr.joinChallenge,
    trustProxyHops: deps.trustProxyHops,
    logger: deps.logger,
  });
  const lease = new Lease(deps.redis, tickerLeaseMs);
  const tickers = createTickers(app, io, lease, deps);
  tickers.start();
  const stops = [pushResaleChanges(app, io), publishHealth(app, lease.nodeId, deps.logger)];
  // Order changes from any process (this node, another node, a worker) reach the fan's sockets
  // on this node; each node pushes to its own sockets only, so nothing is sent twice.
  const admin = attachAdminNamespace(io, {
    admin: app.admin,
    events: app.events,
    logger: deps.logger,
    stats: async (eventId) => {
      const event = await app.events.get(eventId);
      return event
        ? eventStats(
            { figures: app.checkout.salesFigures, ledger: app.ledger, store: wr.store, steering: wr.steeringStore },
            event,
          )
        : null;
    },
  });
  const domainEvents = consumeDomainEvents(
    deps.eventsRedis,
    deps.redisPrefix,
    (e) => {
      io.local.to(rooms.fan(e.fanId)).emit("order:update", { orderId: e.orderId, status: e.status });
      admin.onDomainEvent(e);
      if (stockReturningEvents.has(e.type)) wr.stock.forget(e.eventId); // holds may be refused from the snapshot
    },
    deps.logger,
  );
  return {
    io,
    nodeId: lease.nodeId,
    tickers,
    async close() {
      await tickers.stop();
      for (const stop of stops) stop();
      admin.stop();
      await domainEvents.stop();
      // Only this node's sockets (a plain disconnectSockets would reach every node). Clients
      // reconnect to another node and keep their numbers. Not io.close(): that would also close
      // the HTTP server, which the caller drains itself.
      io.local.disconnectSockets(true);
      io.engine.close();
      await Promise.allSettled([...io._nsps.values()].map((nsp) => nsp.adapter.close()));
      await closeRedis(deps.adapterRedis);
      await deps.sharded?.close();
    },
  };
}
