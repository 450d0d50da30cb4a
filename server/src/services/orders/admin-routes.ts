// Admin side of orders: search with a cursor, refunds, door check-in, and the live stats of an
// event (stock from the ledger, orders and revenue from PostgreSQL, the queue from Redis).
import { Router } from "express";
import { z } from "zod";
import { isUuid } from "@stampede/shared/ids";
import type { OrderStatus } from "@stampede/shared/protocol";
import { listPageSizeMax, salesFeedLinesMax } from "@stampede/shared/limits";
import type { WaitingRoomStore } from "../../adapters/redis/waiting-room/store.js";
import type { SteeringStore } from "../../adapters/redis/waiting-room/steering-store.js";
import { HttpError } from "../../http/errors.js";
import type { OpenApiRegistry } from "../../http/openapi.js";
import { uuidParam } from "../../http/params.js";
import { defineRoute } from "../../http/route.js";
import { requireAdmin, type AdminAuthDeps } from "../admin/guards.js";
import type { EventsService } from "../events/events-service.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import { checkinRoute, type ShortCodeMisses } from "./checkin.js";
import { orderView } from "./order-view.js";
import { admissionView, eventStats, orderStatuses, recentSales } from "./stats.js";
import type { OrdersRepo } from "./orders-repo.js";
import type { Settlement } from "./settlement.js";
import type { TicketCodes } from "./ticket-codes.js";

const listQuery = z.object({
  eventId: z.string().optional(),
  status: z.enum(orderStatuses as [OrderStatus, ...OrderStatus[]]).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(listPageSizeMax).default(50),
  cursor: z.string().optional(),
});

const salesQuery = z.object({ limit: z.coerce.number().int().min(1).max(salesFeedLinesMax).default(salesFeedLinesMax) });

export interface AdminOrderDeps {
  admin: AdminAuthDeps;
  orders: OrdersRepo;
  settlement: Settlement;
  codes: TicketCodes;
  events: EventsService;
  ledger: Ledger;
  store: WaitingRoomStore;
  /** The admission controller's state and its recent steps (steering-store.ts). */
  steering: SteeringStore;
  checkinMisses: ShortCodeMisses;
}

export function adminOrderRoutes(deps: AdminOrderDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  const tags = ["admin: orders"];
  const pool = deps.orders.pool;

  defineRoute(router, registry, { method: "get", path: "/api/admin/orders", summary: "Search orders (email or order id), newest first, with a cursor", tags, security: "admin", guards: [requireAdmin(deps.admin, ["viewer"])], query: listQuery, responses: { 200: { description: "{orders, nextCursor}" } } },
    async ({ query }, _req, res) => {
      const where: string[] = [];
      const args: unknown[] = [];
      // Each condition names its one parameter as $n (used twice by the search).
      const add = (sql: (n: string) => string, v: unknown) => {
        args.push(v);
        where.push(sql(`$${args.length}`));
      };
      if (query.eventId) add((n) => `event_id::text = ${n}`, query.eventId);
      if (query.status) add((n) => `status = ${n}`, query.status);
      if (query.q) add((n) => `(lower(email) LIKE '%' || lower(${n}) || '%' OR id::text LIKE lower(${n}) || '%')`, query.q);
      if (query.cursor && isUuid(query.cursor)) add((n) => `id < ${n}`, query.cursor);
      const sql = `SELECT id FROM orders ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${query.limit + 1}`;
      const { rows } = await pool.query<{ id: string }>(sql, args);
      const page = rows.slice(0, query.limit);
      const orders = await Promise.all(page.map(async (r) => { const o = await deps.orders.get(r.id); return o ? { ...(await orderView(pool, o, null)), fanId: o.fanId } : null; }));
      res.json({ orders: orders.filter(Boolean), nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null });
    });

  defineRoute(router, registry, { method: "post", path: "/api/admin/orders/:orderId/refund", summary: "Refund a paid order: money back, tickets void, stock returned to the pool", tags, security: "admin", guards: [requireAdmin(deps.admin)], params: z.object({ orderId: uuidParam }), responses: { 200: { description: "refunded" }, 409: { description: "not paid" } } },
    async ({ params }, _req, res) => {
      if (!isUuid(params.orderId)) throw new HttpError(404, "not_found", "no such order");
      const result = await deps.settlement.refund(params.orderId);
      if (result.kind === "not_found") throw new HttpError(404, "not_found", "no such order");
      if (result.kind === "conflict") throw new HttpError(409, "conflict", `only paid orders can be refunded; this one is ${result.status}`);
      const order = await deps.orders.get(params.orderId);
      res.json(order ? await orderView(pool, order, null) : null);
    });

  checkinRoute(router, registry, { admin: deps.admin, pool, codes: deps.codes, misses: deps.checkinMisses });

  defineRoute(router, registry, { method: "get", path: "/api/admin/events/:eventId/stats", summary: "Live stats: stock per tier, perks, orders by status, revenue, queue", tags: ["admin: events"], security: "admin", guards: [requireAdmin(deps.admin, ["viewer"])], params: z.object({ eventId: uuidParam }), responses: { 200: { description: "stats" } } },
    async ({ params }, _req, res) => {
      const event = isUuid(params.eventId) ? await deps.events.get(params.eventId) : null;
      if (!event) throw new HttpError(404, "not_found", "no such event");
      await deps.events.ensureLedger(event);
      const { eventId: _id, atMs: _at, status: _st, currency: _cur, ...stats } = await eventStats(
        { pool, ledger: deps.ledger, store: deps.store, steering: deps.steering },
        event,
      );
      res.json(stats);
    });

  defineRoute(router, registry, { method: "get", path: "/api/admin/events/:eventId/sales", summary: "The sales feed's recent history: the last holds, payments, expiries and refunds, newest first (what sales:batch pushes live)", tags: ["admin: events"], security: "admin", guards: [requireAdmin(deps.admin, ["viewer"])], params: z.object({ eventId: uuidParam }), query: salesQuery, responses: { 200: { description: "{eventId, sales: [{type, orderId, status, quantity, totalCents, atMs}]}" }, 404: { description: "no such event" } } },
    async ({ params, query }, _req, res) => {
      const event = isUuid(params.eventId) ? await deps.events.get(params.eventId) : null;
      if (!event) throw new HttpError(404, "not_found", "no such event");
      res.json({ eventId: event.id, sales: await recentSales(pool, event.id, query.limit) });
    });

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/admission",
      summary:
        "The admission controller: its current rate and why (auto or manual), the checkout's health it read, " +
        "and its steps over the last minutes (oldest first) for the dashboard's chart",
      tags: ["admin: events"],
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: z.object({ eventId: uuidParam }),
      responses: {
        200: {
          description: "{eventId, current: AdminAdmission|null, history: [{atMs, ratePerMinute, reason, holdP95Ms, settlementLagMs}]}",
        },
        404: { description: "no such event" },
      },
    },
    async ({ params }, _req, res) => {
      const event = isUuid(params.eventId) ? await deps.events.get(params.eventId) : null;
      if (!event) throw new HttpError(404, "not_found", "no such event");
      const [record, history] = await Promise.all([deps.steering.load(event.id), deps.steering.history(event.id)]);
      res.setHeader("Cache-Control", "no-store");
      res.json({ eventId: event.id, current: admissionView(event, record), history });
    });

  return router;
}
