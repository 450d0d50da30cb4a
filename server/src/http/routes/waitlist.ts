// The waiting list after a sell-out (fan session): join it, read the entry (waiting with its
// position, offered with the claim's deadline and admission, claimed, expired, left), leave it.
import { Router } from "express";
import { z } from "zod";
import { adminWaitlistView, waitlistJoinInput, waitlistView } from "@stampede/shared/api/waitlist";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import type { RateLimit } from "../../adapters/redis/rate-limit.js";
import { rateLimited } from "../../services/errors.js";
import { defineRoute } from "../route.js";
import { clientIp } from "../client-address.js";
import type { JoinChallenge } from "../../services/waiting-room/join-challenge.js";
import { currentFan, requireFan } from "../guards/fan.js";
import { requireAdmin } from "../guards/admin.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import type { TokenService } from "../../services/fans/tokens.js";
import type { WaitlistService } from "../../services/waiting-room/waitlist-service.js";

const eventParams = z.object({ eventId: uuidParam });
const tags = ["waiting list"];
const path = "/api/events/:eventId/waitlist";

export interface WaitlistRoutesDeps {
  waitlist: WaitlistService;
  tokens: TokenService;
  /** The room's per-fan join limit: joining the list joins the line. */
  perFan: RateLimit;
  /** Bot defence: joining the list joins the line, so it asks what the queue's join asks. */
  joinChallenge?: Pick<JoinChallenge, "check">;
  admin: AdminAuthDeps;
}

export function waitlistRoutes(deps: WaitlistRoutesDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  joinRoute(router, registry, deps);
  entryRoutes(router, registry, deps);
  adminRoute(router, registry, deps);
  return router;
}

const fanCommon = (deps: WaitlistRoutesDeps) => ({
  tags,
  security: "fan" as const,
  guards: [requireFan(deps.tokens)],
  params: eventParams,
});

/** Joining: rate-limited like the queue's join, and bot defence asked the same way. */
function joinRoute(router: Router, registry: OpenApiRegistry, deps: WaitlistRoutesDeps): void {
  const common = fanCommon(deps);
  defineRoute(
    router,
    registry,
    {
      ...common,
      method: "post",
      path,
      summary: "Join the waiting list of a sold-out sale (keeps the fan's place in line while the page is closed)",
      body: waitlistJoinInput,
      responses: {
        200: { description: "the fan's entry (idempotent)", schema: waitlistView },
        403: { description: "challenge_required / challenge_failed (bot defence, as the queue's join)" },
        404: { description: "not_found" },
        409: { description: "waitlist_unavailable: the sale is not sold out, or is closed" },
        429: { description: "rate_limited" },
      },
    },
    async ({ params, body }, req, res) => {
      const fanId = currentFan(res);
      const wait = await deps.perFan.take(fanId);
      if (wait !== null) throw rateLimited(wait, "joins");
      return deps.waitlist.join(params.eventId, fanId, async () => {
        await deps.joinChallenge?.check(params.eventId, fanId, clientIp(req), body.challenge);
      });
    },
  );
}

/** The fan's entry, read (polled) or given up. */
function entryRoutes(router: Router, registry: OpenApiRegistry, deps: WaitlistRoutesDeps): void {
  const common = fanCommon(deps);
  defineRoute(
    router,
    registry,
    {
      ...common,
      method: "get",
      path,
      summary: "The fan's waiting-list entry (poll every few seconds) and whether the list takes fans",
      responses: {
        200: { description: "entry (null: not on the list)", schema: waitlistView },
        404: { description: "not_found" },
      },
    },
    async ({ params }, _req, res) => deps.waitlist.view(params.eventId, currentFan(res)),
  );
  defineRoute(
    router,
    registry,
    {
      ...common,
      method: "delete",
      path,
      summary: "Leave the waiting list (and the line; an open claim goes to the next fan)",
      responses: {
        200: { description: "left (or was not on it)", schema: waitlistView },
        404: { description: "not_found" },
      },
    },
    async ({ params }, _req, res) => deps.waitlist.leave(params.eventId, currentFan(res)),
  );
}

/** The dashboard's figures (viewers too). */
function adminRoute(router: Router, registry: OpenApiRegistry, deps: WaitlistRoutesDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/waitlist",
      summary: "The waiting list's size: fans waiting on it and claims open now",
      tags: ["admin: events"],
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: eventParams,
      responses: {
        200: { description: "the list's figures", schema: adminWaitlistView },
        404: { description: "not_found" },
      },
    },
    async ({ params }) => deps.waitlist.figures(params.eventId),
  );
}
