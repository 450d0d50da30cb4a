// The waiting room over plain HTTP: the REST fallback for clients without WebSockets (join, then
// poll), leave, and the verifiable lottery record.
import { Router } from "express";
import { z } from "zod";
import { fanProofs, lotteryView, queueLeaveView, queueView } from "@stampede/shared/api/queue";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { HttpError } from "../errors.js";
import type { RateLimit } from "../../adapters/redis/rate-limit.js";
import { rateLimited } from "../../services/errors.js";
import { clientIp } from "../client-address.js";
import { defineRoute } from "../route.js";
import { currentFan, requireFan } from "../guards/fan.js";
import type { TokenService } from "../../services/fans/tokens.js";
import type { LotteryRepo } from "../../adapters/postgres/lottery-repo.js";
import type { WaitingRoomService } from "../../services/waiting-room/waiting-room-service.js";
import type { JoinChallenge } from "../../services/waiting-room/join-challenge.js";

const eventParams = z.object({ eventId: uuidParam });

export interface WaitingRoomRoutesDeps {
  waitingRoom: WaitingRoomService;
  lottery: LotteryRepo;
  tokens: TokenService;
  joinLimits: { perIp: RateLimit; perFan: RateLimit };
  /** Bot defence: whether this join must bring a solved challenge (absent: none ever does). */
  joinChallenge?: Pick<JoinChallenge, "check">;
}

export function waitingRoomRoutes(deps: WaitingRoomRoutesDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  joinRoute(router, registry, deps);
  queueEntryRoutes(router, registry, deps);
  lotteryRoute(router, registry, deps);
  return router;
}

const tags = ["waiting room"];
const notFound = () => new HttpError(404, "not_found", "no such event");

/** Joining over REST: rate-limited per fan and per IP, idempotent, and the fan's place back after a rebuild. */
function joinRoute(router: Router, registry: OpenApiRegistry, deps: WaitingRoomRoutesDeps): void {
  const fan = [requireFan(deps.tokens)];
  const joinSpec = {
    method: "post",
    path: "/api/events/:eventId/queue",
    summary:
      "Join the waiting room (REST fallback; idempotent: the same number every time; " +
      "after the room was rebuilt, the proofs give the fan's place back)",
    tags,
    security: "fan",
    guards: fan,
    params: eventParams,
    body: fanProofs,
    responses: {
      200: { description: "the fan's entry and the room's status", schema: queueView },
      403: { description: "challenge_required (bot defence raised: solve GET .../challenge) or challenge_failed" },
      429: { description: "rate_limited" },
    },
  } as const;
  defineRoute(router, registry, joinSpec, async ({ params, body }, req, res) => {
    const fanId = currentFan(res);
    const wait = (await deps.joinLimits.perFan.take(fanId)) ?? (await deps.joinLimits.perIp.take(clientIp(req)));
    if (wait !== null) throw rateLimited(wait, "joins");
    await deps.joinChallenge?.check(params.eventId, fanId, clientIp(req), body.challenge);
    const outcome = await deps.waitingRoom.join(params.eventId, fanId, body);
    if (outcome.kind === "not_found") throw notFound();
    const view = await deps.waitingRoom.view(params.eventId, fanId);
    if (!view) throw notFound();
    return { ...view, entry: outcome.entry };
  });
}

/** The fan's entry: polled for its place and the room's status, or given up. */
function queueEntryRoutes(router: Router, registry: OpenApiRegistry, deps: WaitingRoomRoutesDeps): void {
  const fan = [requireFan(deps.tokens)];
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events/:eventId/queue",
      summary: "The fan's entry and the room's status (poll every 2 s)",
      tags,
      security: "fan",
      guards: fan,
      params: eventParams,
      responses: { 200: { description: "entry and status", schema: queueView } },
    },
    async ({ params }, _req, res) => {
      const view = await deps.waitingRoom.view(params.eventId, currentFan(res));
      if (!view) throw notFound();
      return view;
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "delete",
      path: "/api/events/:eventId/queue",
      summary: "Leave the waiting room",
      tags,
      security: "fan",
      guards: fan,
      params: eventParams,
      responses: { 200: { description: "left (or was not in)", schema: queueLeaveView } },
    },
    async ({ params }, _req, res) => ({ left: await deps.waitingRoom.leave(params.eventId, currentFan(res)) }),
  );
}

/** The verifiable lottery record, public: anyone can recompute the draw once it is done. */
function lotteryRoute(router: Router, registry: OpenApiRegistry, deps: WaitingRoomRoutesDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events/:eventId/lottery",
      summary: "The lottery record: seed hash before the draw; seed and order after, so anyone can recompute it",
      tags,
      params: eventParams,
      responses: { 200: { description: "lottery view", schema: lotteryView } },
    },
    async ({ params }) => {
      const event = await deps.waitingRoom.event(params.eventId);
      if (!event) throw notFound();
      return deps.lottery.view(event.id, event.waitingRoom.mode);
    },
  );
}
