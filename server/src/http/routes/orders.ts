// Checkout over HTTP: place a hold (fan + admission token, Idempotency-Key), list the fan's own
// orders of an event, read an order (order token or its fan), cancel it, and fetch ticket QR codes.
import { Router, type Request, type RequestHandler, type Response } from "express";
import QRCode from "qrcode";
import { z } from "zod";
import { isUuid } from "@stampede/shared/ids";
import {
  fanOrdersView,
  holdInput,
  holdView,
  orderView as orderAnswer,
  type HoldView,
} from "@stampede/shared/api/orders";
import { fanOrdersListMax } from "@stampede/shared/limits";
import type { AdmissionGate } from "../../adapters/batching/admission-gate.js";
import { HttpError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import { currentFan, fanIdFrom, requireFan } from "../guards/fan.js";
import type { TokenService } from "../../services/fans/tokens.js";
import type { HoldEnding } from "@stampede/shared/core/hold-ending";
import { isStockRefusal, type HoldsService } from "../../services/orders/holds-service.js";
import { answerOf, requestHash, type HoldAttempt, type IdempotentRequests } from "../../services/orders/idempotency.js";
import { orderTokenMatches } from "../../services/orders/order-token.js";
import { orderView } from "../../services/orders/order-view.js";
import type { OrderRecord, OrdersRepo } from "../../adapters/postgres/orders-repo.js";
import type { TicketsRepo } from "../../adapters/postgres/tickets-repo.js";
import type { TicketCodes } from "../../services/orders/ticket-codes.js";

const eventParams = z.object({ eventId: uuidParam });
const orderParams = z.object({ orderId: uuidParam });
const ticketParams = z.object({ ticketId: uuidParam });
const idempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "1–128 letters, digits, _ . : -");

export interface OrderRoutesDeps {
  holds: HoldsService;
  idempotency: IdempotentRequests<HoldView>;
  orders: OrdersRepo;
  tickets: TicketsRepo;
  ending: HoldEnding;
  tokens: TokenService;
  codes: TicketCodes;
  /** Bounds the hold requests worked on and waiting (503 overloaded past it). */
  holdGate: AdmissionGate;
  /** Told how long each answered hold took (checkout-health.ts). */
  holdAnswered: (latencyMs: number) => void;
  /** Told of each fan refused at a hold for want of stock while the sale may have some (best effort). */
  stockRefusals: { note(eventId: string, fanId: string): Promise<void> };
}

function bearer(req: Request): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim();
  return typeof req.query.token === "string" ? req.query.token : null;
}

/** The order, if the caller holds its token or is the fan who placed it; 404 otherwise (never says which). */
export async function authorizedOrder(
  deps: Pick<OrderRoutesDeps, "orders" | "tokens">,
  req: Request,
  orderId: string,
): Promise<{ order: OrderRecord; token: string | null }> {
  const order = isUuid(orderId) ? await deps.orders.get(orderId) : null;
  const token = bearer(req);
  if (order && token && orderTokenMatches(token, order.orderTokenHash)) return { order, token };
  if (order && (await fanIdFrom(deps.tokens, req)) === order.fanId) return { order, token: null };
  throw new HttpError(404, "not_found", "no such order (or the link is incomplete)");
}

async function sendQr(
  deps: OrderRoutesDeps,
  req: Request,
  res: Response,
  ticketId: string,
  format: "svg" | "png",
): Promise<void> {
  const ticket = isUuid(ticketId) ? await deps.tickets.codeOf(ticketId) : null;
  if (!ticket) throw new HttpError(404, "not_found", "no such ticket");
  await authorizedOrder(deps, req, ticket.orderId);
  res.setHeader("Cache-Control", "private, max-age=3600");
  if (format === "svg")
    res
      .type("image/svg+xml")
      .send(await QRCode.toString(ticket.code, { type: "svg", margin: 2, errorCorrectionLevel: "M" }));
  else
    res
      .type("image/png")
      .setHeader("Content-Disposition", `attachment; filename="ticket-${ticketId}.png"`)
      .send(await QRCode.toBuffer(ticket.code, { type: "png", margin: 2, scale: 8 }));
}

const holdConflicts =
  "sale_not_open, sold_out, insufficient_stock, hold_active, " +
  "request_in_progress (the same Idempotency-Key is at work: retry it after Retry-After), conflict (that request's hold has ended)";
/** POST /holds as documented; the guards are the route's own. */
const holdRoute = (guards: RequestHandler[]) => ({
  method: "post" as const,
  path: "/api/events/:eventId/holds",
  summary: "Hold tickets (needs the fan's admission token); answers with the payment link",
  tags: ["checkout"],
  security: "fan" as const,
  guards,
  params: eventParams,
  body: holdInput,
  responses: {
    201: { description: "held", schema: holdView },
    403: { description: "admission_required" },
    409: { description: holdConflicts },
    422: { description: "invalid_request" },
    429: { description: "fan_limit_reached" },
    503: {
      description:
        "overloaded (too many holds at once: nothing done, retry after Retry-After), ledger_unavailable, not_ready",
    },
  },
});

export function orderRoutes(deps: OrderRoutesDeps, registry: OpenApiRegistry): Router {
  const router = Router();

  defineRoute(router, registry, holdRoute([requireFan(deps.tokens)]), async ({ params, body }, req, res) => {
    const fanId = currentFan(res);
    // Stock-aware admission stops waiting for a fan refused for want of stock; the error goes on.
    const refused = (err: unknown): never => {
      if (isStockRefusal(err)) void deps.stockRefusals.note(params.eventId, fanId).catch(() => {});
      throw err;
    };
    const place = async (attempt?: HoldAttempt) => ({
      status: 201,
      body: await deps.holds.place(fanId, params.eventId, body, attempt).catch(refused),
    });
    const rawKey = req.headers["idempotency-key"];
    const key = rawKey === undefined ? null : idempotencyKey.safeParse(rawKey);
    if (key && !key.success)
      throw new HttpError(422, "invalid_request", `Idempotency-Key: ${key.error.issues[0]?.message ?? "invalid"}`);
    const hash = () => requestHash({ eventId: params.eventId, body });
    const keyed = (k: string) => deps.idempotency.run(fanId, k, hash(), place);
    // Sold out: told at once, and kept as the key's answer unless the key has one already.
    const soldOut = await deps.holds.soldOutAtOnce(params.eventId, body);
    if (soldOut) {
      const kept =
        !key ||
        (await deps.idempotency.answerAtOnce({ fanId, key: key.data, hash: hash(), answer: answerOf(soldOut) }));
      if (kept) refused(soldOut);
    }
    // Latency as the fan sees it: the wait in the gate's queue counts (a hold refused at once does not).
    const startedMs = performance.now();
    const answer = await deps.holdGate.run(async () => {
      try {
        return await (key ? keyed(key.data) : place());
      } finally {
        deps.holdAnswered(performance.now() - startedMs);
      }
    });
    res.status(answer.status).json(answer.body);
  });

  fanOrdersRoute(router, registry, deps);
  orderLinkRoutes(router, registry, deps);
  ticketRoutes(router, registry, deps);
  return router;
}

/** The fan's own orders of an event, and how many more tickets they may hold. */
function fanOrdersRoute(router: Router, registry: OpenApiRegistry, deps: OrderRoutesDeps): void {
  const tags = ["checkout"];
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events/:eventId/orders/mine",
      summary:
        "The fan's own orders for this event, newest first, and how many more tickets they may hold (remaining of perFanMax)",
      tags,
      security: "fan",
      guards: [requireFan(deps.tokens)],
      params: eventParams,
      responses: {
        200: { description: "the fan's orders and allowance", schema: fanOrdersView },
        401: { description: "unauthorized" },
        404: { description: "no such event" },
      },
    },
    async ({ params }, _req, res) => {
      const fanId = currentFan(res);
      const allowance = isUuid(params.eventId) ? await deps.holds.fanAllowance(fanId, params.eventId) : null;
      if (!allowance) throw new HttpError(404, "not_found", "no such event");
      const records = await deps.orders.listForFan(allowance.event.id, fanId, fanOrdersListMax);
      const orders = await Promise.all(records.map((order) => orderView(deps, order, null)));
      res.setHeader("Cache-Control", "no-store");
      return {
        eventId: allowance.event.id,
        perFanMax: allowance.event.waitingRoom.perFanMax,
        remaining: allowance.remaining,
        orders,
      };
    },
  );
}

/** One order, read or cancelled by whoever holds its token or is the fan who placed it. */
function orderLinkRoutes(router: Router, registry: OpenApiRegistry, deps: OrderRoutesDeps): void {
  const tags = ["checkout"];
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/orders/:orderId",
      summary: "An order with its tickets and perks (order token as Bearer or ?token=, or the fan's own auth)",
      tags,
      security: "order",
      params: orderParams,
      responses: { 200: { description: "the order", schema: orderAnswer }, 404: { description: "not found" } },
    },
    async ({ params }, req, res) => {
      const { order, token } = await authorizedOrder(deps, req, params.orderId);
      res.setHeader("Cache-Control", "no-store");
      return orderView(deps, order, token);
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/orders/:orderId/cancel",
      summary: "Cancel a held order (stock goes back at once)",
      tags,
      security: "order",
      params: orderParams,
      responses: { 200: { description: "cancelled", schema: orderAnswer }, 409: { description: "not held" } },
    },
    async ({ params }, req) => {
      const { order, token } = await authorizedOrder(deps, req, params.orderId);
      const result = await deps.ending.cancel(order.id);
      if (result.kind === "conflict") throw new HttpError(409, "conflict", `the order is ${result.status}, not held`);
      const fresh = await deps.orders.get(order.id);
      return orderView(deps, fresh ?? order, token);
    },
  );
}

/** Tickets' QR codes (the order's token or its fan) and the key that verifies them offline. */
function ticketRoutes(router: Router, registry: OpenApiRegistry, deps: OrderRoutesDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/tickets/:ticketId/qr.svg",
      summary: "A ticket's QR code (SVG)",
      tags: ["tickets"],
      security: "order",
      params: ticketParams,
      responses: { 200: { description: "SVG", contentType: "image/svg+xml" }, 404: { description: "no such ticket" } },
    },
    ({ params }, req, res) => sendQr(deps, req, res, params.ticketId, "svg"),
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/tickets/:ticketId/qr.png",
      summary: "A ticket's QR code (PNG download)",
      tags: ["tickets"],
      security: "order",
      params: ticketParams,
      responses: { 200: { description: "PNG", contentType: "image/png" }, 404: { description: "no such ticket" } },
    },
    ({ params }, req, res) => sendQr(deps, req, res, params.ticketId, "png"),
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/tickets/public-key",
      summary: "The Ed25519 public key that verifies ticket codes offline (PEM)",
      tags: ["tickets"],
      responses: { 200: { description: "PEM", contentType: "application/x-pem-file" } },
    },
    (_i, _req, res) => {
      res.type("application/x-pem-file").send(deps.codes.publicKeyPem());
    },
  );
}
