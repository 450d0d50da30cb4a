// Admin side of orders: search with a cursor, refunds, door check-in, and the live stats of an
// event (stock from the ledger, orders and revenue from PostgreSQL, the queue from Redis).
import { Router } from "express";
import { z } from "zod";
import { isUuid } from "@stampede/shared/ids";
import { adminAdmissionView, adminSalesView, adminStatsView } from "@stampede/shared/api/admin";
import { adminOrderPage, orderStatuses, orderView as orderAnswer } from "@stampede/shared/api/orders";
import { listPageSizeMax, salesFeedLinesMax } from "@stampede/shared/limits";
import type { WaitingRoom } from "@stampede/shared/ports/waiting-room";
import type { SteeringStore } from "../../adapters/redis/waiting-room/steering-store.js";
import { HttpError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import { requireAdmin } from "../guards/admin.js";
import type { EventsService } from "../../services/events/events-service.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { ShortCodeMisses } from "../../services/orders/checkin.js";
import { checkinRoute } from "./checkin.js";
import { orderView } from "../../services/orders/order-view.js";
import { admissionView, eventStats, recentSales } from "../../services/orders/stats.js";
import type { OrdersRepo } from "../../adapters/postgres/orders-repo.js";
import type { SalesFigures } from "../../adapters/postgres/sales-figures.js";
import type { TicketsRepo } from "../../adapters/postgres/tickets-repo.js";
import type { Settlement } from "../../services/orders/settlement.js";
import type { TicketCodes } from "../../services/orders/ticket-codes.js";

const listQuery = z.object({
  eventId: z.string().optional(),
  status: z.enum(orderStatuses).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(listPageSizeMax).default(50),
  cursor: z.string().optional(),
});

const salesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(salesFeedLinesMax).default(salesFeedLinesMax),
});

export interface AdminOrderDeps {
  admin: AdminAuthDeps;
  orders: OrdersRepo;
  tickets: TicketsRepo;
  /** The orders' counts, revenue and sales lines (stats and the sales feed). */
  figures: SalesFigures;
  settlement: Settlement;
  codes: TicketCodes;
  events: EventsService;
  ledger: Ledger;
  store: WaitingRoom;
  /** The admission controller's state and its recent steps (steering-store.ts). */
  steering: SteeringStore;
  checkinMisses: ShortCodeMisses;
}

export function adminOrderRoutes(deps: AdminOrderDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  orderSearchRoute(router, registry, deps);
  refundRoute(router, registry, deps);
  checkinRoute(router, registry, {
    admin: deps.admin,
    tickets: deps.tickets,
    codes: deps.codes,
    misses: deps.checkinMisses,
  });
  salesFigureRoutes(router, registry, deps);
  admissionControllerRoute(router, registry, deps);
  return router;
}

const tags = ["admin: orders"];

/** Order search for the admin's list: filters, a text search over email and id, a cursor on the id. */
function orderSearchRoute(router: Router, registry: OpenApiRegistry, deps: AdminOrderDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/orders",
      summary: "Search orders (email or order id), newest first, with a cursor",
      tags,
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      query: listQuery,
      responses: { 200: { description: "a page of orders", schema: adminOrderPage } },
    },
    async ({ query }) => {
      // One more than the page: whether there is a next page. A cursor that is no order id is ignored.
      const ids = await deps.orders.searchIds({
        eventId: query.eventId,
        status: query.status,
        text: query.q,
        beforeId: query.cursor && isUuid(query.cursor) ? query.cursor : undefined,
        limit: query.limit + 1,
      });
      const page = ids.slice(0, query.limit);
      const orders = await Promise.all(
        page.map(async (id) => {
          const o = await deps.orders.get(id);
          return o ? { ...(await orderView(deps, o, null)), fanId: o.fanId, paymentProvider: o.paymentProvider } : null;
        }),
      );
      return {
        orders: orders.filter((o) => o !== null),
        nextCursor: ids.length > query.limit ? (page.at(-1) ?? null) : null,
      };
    },
  );
}

/** A paid order's refund: money back, tickets void, stock returned (a resold ticket's neither: RefundRunner.record). */
function refundRoute(router: Router, registry: OpenApiRegistry, deps: AdminOrderDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/admin/orders/:orderId/refund",
      summary: "Refund a paid order: money back (less any resold ticket's face value), tickets void, stock returned",
      tags,
      security: "admin",
      guards: [requireAdmin(deps.admin)],
      params: z.object({ orderId: uuidParam }),
      responses: {
        200: {
          description: "refunded: in full, or less the face value of its resold tickets (their buyers keep the seats)",
          schema: orderAnswer,
        },
        409: { description: "not paid" },
      },
    },
    async ({ params }) => {
      if (!isUuid(params.orderId)) throw new HttpError(404, "not_found", "no such order");
      const result = await deps.settlement.refund(params.orderId);
      if (result.kind === "not_found") throw new HttpError(404, "not_found", "no such order");
      if (result.kind === "conflict")
        throw new HttpError(409, "conflict", `only paid orders can be refunded; this one is ${result.status}`);
      const order = await deps.orders.get(params.orderId);
      if (!order) throw new HttpError(404, "not_found", "no such order");
      return orderView(deps, order, null);
    },
  );
}

/** An event's sales figures for the dashboard: live stats, and the sales feed's history. */
function salesFigureRoutes(router: Router, registry: OpenApiRegistry, deps: AdminOrderDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/stats",
      summary: "Live stats: stock per tier, perks, orders by status, revenue, queue",
      tags: ["admin: events"],
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: z.object({ eventId: uuidParam }),
      responses: { 200: { description: "stats", schema: adminStatsView }, 404: { description: "no such event" } },
    },
    async ({ params }) => {
      const event = isUuid(params.eventId) ? await deps.events.get(params.eventId) : null;
      if (!event) throw new HttpError(404, "not_found", "no such event");
      await deps.events.ensureLedger(event);
      const {
        eventId: _id,
        atMs: _at,
        status: _st,
        currency: _cur,
        ...stats
      } = await eventStats(
        { figures: deps.figures, ledger: deps.ledger, store: deps.store, steering: deps.steering },
        event,
      );
      return stats;
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/sales",
      summary:
        "The sales feed's recent history: the last holds, payments, expiries and refunds, newest first (what sales:batch pushes live)",
      tags: ["admin: events"],
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: z.object({ eventId: uuidParam }),
      query: salesQuery,
      responses: {
        200: { description: "the last lines of the feed", schema: adminSalesView },
        404: { description: "no such event" },
      },
    },
    async ({ params, query }) => {
      const event = isUuid(params.eventId) ? await deps.events.get(params.eventId) : null;
      if (!event) throw new HttpError(404, "not_found", "no such event");
      return { eventId: event.id, sales: await recentSales(deps.figures, event.id, query.limit) };
    },
  );
}

/** The admission controller for the dashboard: its rate now and why, and its recent steps. */
function admissionControllerRoute(router: Router, registry: OpenApiRegistry, deps: AdminOrderDeps): void {
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
        200: { description: "the controller now and its steps", schema: adminAdmissionView },
        404: { description: "no such event" },
      },
    },
    async ({ params }, _req, res) => {
      const event = isUuid(params.eventId) ? await deps.events.get(params.eventId) : null;
      if (!event) throw new HttpError(404, "not_found", "no such event");
      const [record, history] = await Promise.all([deps.steering.load(event.id), deps.steering.history(event.id)]);
      res.setHeader("Cache-Control", "no-store");
      return { eventId: event.id, current: admissionView(event, record), history };
    },
  );
}
