// Cancelling an event: the admin's cancel (202 with the refunds' progress; the server nodes refund
// every paid order in the background) and the progress the dashboard reads while they run.
import { Router } from "express";
import { z } from "zod";
import { cancelEventInput, cancellationView } from "@stampede/shared/api/cancellation";
import { HttpError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import { currentAdmin, requireAdmin } from "../guards/admin.js";
import type { EventCancellation } from "../../services/events/cancellation.js";

const eventParams = z.object({ eventId: uuidParam });
const adminTags = ["admin: events"];

export interface EventCancelDeps {
  admin: AdminAuthDeps;
  cancellation: EventCancellation;
}

export function eventCancelRoutes(deps: EventCancelDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/admin/events/:eventId/cancel",
      summary:
        "Cancel an event: the sale closes at once, open holds end, and every paid order is refunded " +
        "through its payment provider in the background (progress: GET …/cancellation)",
      tags: adminTags,
      security: "admin",
      guards: [requireAdmin(deps.admin)],
      params: eventParams,
      body: cancelEventInput,
      responses: {
        202: { description: "cancelled: the refunds' progress", schema: cancellationView },
        404: { description: "no such event" },
        409: { description: "already_cancelled, or invalid_transition (a closed sale) — nothing changed" },
        422: { description: "invalid (unknown field, reason over 500 characters)" },
      },
    },
    async ({ params, body }, _req, res) => {
      const { adminId, username } = currentAdmin(res);
      const progress = await deps.cancellation.cancel(params.eventId, body, { adminId, username });
      res.status(202);
      return progress;
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/cancellation",
      summary: "A cancelled event's refunds: how many paid orders, refunded, failed; refunding or done",
      tags: adminTags,
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: eventParams,
      responses: {
        200: { description: "progress", schema: cancellationView },
        404: { description: "no such event, or not cancelled" },
      },
    },
    async ({ params }) => {
      const progress = await deps.cancellation.progress(params.eventId);
      if (!progress) throw new HttpError(404, "not_found", "no cancellation of this event");
      return progress;
    },
  );
  return router;
}
