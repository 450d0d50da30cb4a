// Fans' own refunds over HTTP: whether an order may be refunded now and until when, the request
// itself (the order's token, as for reading or cancelling it), and the admin's refund window per event.
import { Router } from "express";
import { z } from "zod";
import { fanRefundView, refundPolicyInput, refundPolicyView } from "@stampede/shared/api/refunds";
import { orderView as orderAnswer } from "@stampede/shared/api/orders";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import { requireAdmin } from "../guards/admin.js";
import { HttpError } from "../errors.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import type { RefundPoliciesRepo } from "../../adapters/postgres/refund-policies-repo.js";
import type { EventsService } from "../../services/events/events-service.js";
import type { FanRefunds } from "../../services/orders/fan-refunds.js";
import { orderView, type OrderContents } from "../../services/orders/order-view.js";
import { authorizedOrder, type OrderRoutesDeps } from "./orders.js";

export interface FanRefundRouteDeps extends Pick<OrderRoutesDeps, "orders" | "tokens"> {
  tickets: OrderContents["tickets"];
  refunds: FanRefunds;
  policies: Pick<RefundPoliciesRepo, "get" | "put">;
  events: Pick<EventsService, "get">;
  admin: AdminAuthDeps;
}

const orderParams = z.object({ orderId: uuidParam });
const eventParams = z.object({ eventId: uuidParam });

export function fanRefundRoutes(deps: FanRefundRouteDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  const tags = ["checkout"];
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/orders/:orderId/refund",
      summary: "Whether the order's fan may have it refunded now (the event's refund window), and until when",
      tags,
      security: "order",
      params: orderParams,
      responses: { 200: { description: "the answer", schema: fanRefundView }, 404: { description: "not found" } },
    },
    async ({ params }, req, res) => {
      const { order } = await authorizedOrder(deps, req, params.orderId);
      res.setHeader("Cache-Control", "no-store");
      return deps.refunds.view(order);
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/orders/:orderId/refund",
      summary: "Refund a paid order at its fan's request, inside the event's refund window (money back, tickets void)",
      tags,
      security: "order",
      params: orderParams,
      responses: {
        200: { description: "refunded", schema: orderAnswer },
        404: { description: "not found" },
        409: { description: "refund_not_allowed (details.reason: no_fan_refunds, window_closed, checked_in, …)" },
      },
    },
    async ({ params }, req) => {
      const { order, token } = await authorizedOrder(deps, req, params.orderId);
      await deps.refunds.refund(order);
      const fresh = await deps.orders.get(order.id);
      return orderView(deps, fresh ?? order, token);
    },
  );
  policyRoutes(router, registry, deps);
  return router;
}

function policyRoutes(router: Router, registry: OpenApiRegistry, deps: FanRefundRouteDeps): void {
  const tags = ["admin: events"];
  const found = async (eventId: string) => {
    if (!(await deps.events.get(eventId))) throw new HttpError(404, "not_found", "no such event");
  };
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/refund-policy",
      summary: "The event's refund window for fans (hours after paying; 0: fans cannot ask)",
      tags,
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: eventParams,
      responses: {
        200: { description: "the policy", schema: refundPolicyView },
        404: { description: "no such event" },
      },
    },
    async ({ params }) => {
      await found(params.eventId);
      return deps.policies.get(params.eventId);
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "put",
      path: "/api/admin/events/:eventId/refund-policy",
      summary: "Set the event's refund window for fans (0 to 8,760 hours after paying; never after the event starts)",
      tags,
      security: "admin",
      guards: [requireAdmin(deps.admin)],
      params: eventParams,
      body: refundPolicyInput,
      responses: {
        200: { description: "the policy now", schema: refundPolicyView },
        404: { description: "no such event" },
        422: { description: "invalid" },
      },
    },
    async ({ params, body }) => {
      await found(params.eventId);
      await deps.policies.put(params.eventId, body);
      return deps.policies.get(params.eventId);
    },
  );
}
