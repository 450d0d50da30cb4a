// Bot defence over HTTP: the challenge a fan's browser solves before joining (when the join
// answered challenge_required), and the admin's settings per event (mode, difficulty, thresholds).
import { Router } from "express";
import { z } from "zod";
import { botDefenceInput, botDefenceView, challengeView } from "@stampede/shared/api/bot-defence";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import { HttpError } from "../errors.js";
import { requireAdmin } from "../guards/admin.js";
import { currentFan, requireFan } from "../guards/fan.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import type { TokenService } from "../../services/fans/tokens.js";
import type { JoinChallenge } from "../../services/waiting-room/join-challenge.js";
import type { WaitingRoomService } from "../../services/waiting-room/waiting-room-service.js";
import type { EventsService } from "../../services/events/events-service.js";

export interface BotDefenceRouteDeps {
  challenges: Pick<JoinChallenge, "issue" | "view" | "save">;
  /** The event as fans see it (null: none, or a draft). */
  waitingRoom: Pick<WaitingRoomService, "event">;
  events: Pick<EventsService, "get">;
  tokens: TokenService;
  admin: AdminAuthDeps;
}

const eventParams = z.object({ eventId: uuidParam });
const notFound = () => new HttpError(404, "not_found", "no such event");

export function botDefenceRoutes(deps: BotDefenceRouteDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  const found = async (eventId: string) => {
    if (!(await deps.events.get(eventId))) throw notFound();
  };
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events/:eventId/challenge",
      summary:
        "A proof-of-work challenge (ALTCHA) for this fan and event, valid 2 minutes: solve it and join with " +
        "its solution as `challenge` when the join answered challenge_required",
      tags: ["waiting room"],
      security: "fan",
      guards: [requireFan(deps.tokens)],
      params: eventParams,
      responses: {
        200: { description: "the challenge", schema: challengeView },
        404: { description: "no such event" },
      },
    },
    async ({ params }, _req, res) => {
      if (!(await deps.waitingRoom.event(params.eventId))) throw notFound();
      res.setHeader("Cache-Control", "no-store");
      return deps.challenges.issue(params.eventId, currentFan(res));
    },
  );
  adminRoutes(router, registry, deps, found);
  return router;
}

function adminRoutes(
  router: Router,
  registry: OpenApiRegistry,
  deps: BotDefenceRouteDeps,
  found: (eventId: string) => Promise<void>,
): void {
  const tags = ["admin: events"];
  const path = "/api/admin/events/:eventId/bot-defence";
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path,
      summary: "The event's bot defence at the join: mode, challenge difficulty, thresholds, and whether it is raised",
      tags,
      security: "admin",
      guards: [requireAdmin(deps.admin, ["viewer"])],
      params: eventParams,
      responses: {
        200: { description: "the settings", schema: botDefenceView },
        404: { description: "no such event" },
      },
    },
    async ({ params }) => {
      await found(params.eventId);
      return deps.challenges.view(params.eventId);
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "put",
      path,
      summary: "Set the event's bot defence (auto: a challenge past the thresholds; always; off)",
      tags,
      security: "admin",
      guards: [requireAdmin(deps.admin)],
      params: eventParams,
      body: botDefenceInput,
      responses: {
        200: { description: "the settings now", schema: botDefenceView },
        404: { description: "no such event" },
        422: { description: "invalid" },
      },
    },
    async ({ params, body }) => {
      await found(params.eventId);
      return deps.challenges.save(params.eventId, body);
    },
  );
}
