// Event routes: the public catalogue with live stock, and the admin API (create, edit, status
// workflow, admission settings, invariant audit).
import { Router } from "express";
import { z } from "zod";
import {
  createEventInput,
  eventEditInput,
  eventListView,
  eventStatusInput,
  eventView,
  waitingRoomPatchInput,
} from "@stampede/shared/api/events";
import { auditView } from "@stampede/shared/api/admin";
import { ruleWords } from "@stampede/shared/api/event-rules";
import { canTransition, publishedStatuses } from "@stampede/shared/core/event-status";
import type { EventStatus } from "@stampede/shared/api/events";
import { isUuid } from "@stampede/shared/ids";
import { HttpError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { uuidParam } from "../params.js";
import { defineRoute } from "../route.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import { currentAdmin, requireAdmin } from "../guards/admin.js";
import { auditEvent } from "../../services/events/audit.js";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { AuditFiguresRepo } from "../../adapters/postgres/audit-figures.js";
import type { EventsService } from "../../services/events/events-service.js";
import type { EventCancellation } from "../../services/events/cancellation.js";
import type { Ledger } from "@stampede/shared/ledger/port";

const eventParams = z.object({ eventId: uuidParam });

export interface EventRoutesDeps {
  events: EventsService;
  ledger: Ledger;
  admin: AdminAuthDeps;
  /** What the invariant audit reads of the orders. */
  auditFigures: AuditFiguresRepo;
  /** Cancelling: a move to cancelled refunds the paid orders (absent: a bare status move). */
  cancellation?: EventCancellation;
}

/** Who reads: the public sees published events (and, by its address, a cancelled one: its buyers
 * and their order pages must be able to say so); the admin sees every event. */
const publicLookup: readonly EventStatus[] = [...publishedStatuses, "cancelled"];

async function findEvent(events: EventsService, eventId: string, published: boolean): Promise<EventRecord> {
  const record = isUuid(eventId) ? await events.get(eventId) : null;
  if (!record || (published && !publicLookup.includes(record.status)))
    throw new HttpError(404, "not_found", "no such event");
  return record;
}

export function eventRoutes(deps: EventRoutesDeps, registry: OpenApiRegistry): Router {
  const router = Router();
  publicEventRoutes(router, registry, deps.events);
  adminEventReads(router, registry, deps);
  adminEventWrites(router, registry, deps);
  eventEditRoute(router, registry, deps);
  waitingRoomSettingsRoute(router, registry, deps);
  return router;
}

const list = { description: "events", schema: eventListView };
const adminTags = ["admin: events"];

/** The public catalogue: published events only. */
function publicEventRoutes(router: Router, registry: OpenApiRegistry, events: EventsService): void {
  const publicTags = ["events"];
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events",
      summary: "Published events with live stock per tier",
      tags: publicTags,
      responses: { 200: list },
    },
    async () => ({ events: await events.views(await events.list(publishedStatuses)) }),
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/events/:eventId",
      summary: "One published (or cancelled) event with live stock per tier",
      tags: publicTags,
      params: eventParams,
      responses: { 200: { description: "the event", schema: eventView }, 404: { description: "no such event" } },
    },
    async ({ params }) => events.view(await findEvent(events, params.eventId, true)),
  );
}

/** What viewers and admins read: every event, any status, and the invariant audit. */
function adminEventReads(router: Router, registry: OpenApiRegistry, deps: EventRoutesDeps): void {
  const { events } = deps;
  const viewer = [requireAdmin(deps.admin, ["viewer"])];
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events",
      summary: "All events, any status",
      tags: adminTags,
      security: "admin",
      guards: viewer,
      responses: { 200: list },
    },
    async () => ({ events: await events.views(await events.list()) }),
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId",
      summary: "One event, any status",
      tags: adminTags,
      security: "admin",
      guards: viewer,
      params: eventParams,
      responses: { 200: { description: "the event", schema: eventView }, 404: { description: "no such event" } },
    },
    async ({ params }) => events.view(await findEvent(events, params.eventId, false)),
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/api/admin/events/:eventId/audit",
      summary:
        "Check the ledger invariant per tier (available + held + sold = capacity) " +
        "and that the ledger agrees with the orders (sold, held, perks)",
      tags: adminTags,
      security: "admin",
      guards: viewer,
      params: eventParams,
      responses: { 200: { description: "audit", schema: auditView } },
    },
    async ({ params }) => {
      const record = await findEvent(events, params.eventId, false);
      await events.ensureLedger(record);
      return auditEvent(deps.ledger, deps.auditFigures, record);
    },
  );
}

/** What only admins change: create an event, move it through the workflow. */
function adminEventWrites(router: Router, registry: OpenApiRegistry, deps: EventRoutesDeps): void {
  const { events } = deps;
  const adminOnly = [requireAdmin(deps.admin)];
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/admin/events",
      summary: "Create an event with its tiers and perks (funds the ledger)",
      tags: adminTags,
      security: "admin",
      guards: adminOnly,
      body: createEventInput,
      responses: { 201: { description: "created", schema: eventView }, 422: { description: "invalid" } },
    },
    async ({ body }, _req, res) => {
      const created = await events.create(body);
      res.status(201);
      return created;
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/admin/events/:eventId/status",
      summary: "Move an event through draft → scheduled → on_sale ⇄ paused → closed / cancelled",
      tags: adminTags,
      security: "admin",
      guards: adminOnly,
      params: eventParams,
      body: eventStatusInput,
      responses: { 200: { description: "moved", schema: eventView }, 409: { description: "invalid_transition" } },
    },
    async ({ params, body }, _req, res) => {
      const record = await findEvent(events, params.eventId, false);
      // A cancel by the workflow is a cancellation like POST …/cancel: its paid orders are refunded.
      if (body.status === "cancelled" && deps.cancellation && canTransition(record.status, "cancelled")) {
        const { adminId, username } = currentAdmin(res);
        await deps.cancellation.cancel(record.id, {}, { adminId, username });
        return events.view(await findEvent(events, record.id, false));
      }
      const outcome = await events.transition(record.id, body.status);
      if (outcome.kind === "not_found") throw new HttpError(404, "not_found", "no such event");
      if (outcome.kind === "invalid_transition")
        throw new HttpError(409, "invalid_transition", `cannot move from ${outcome.from} to ${outcome.to}`);
      return outcome.event;
    },
  );
}

/** Editing an event after creation: its words, date and tiers (capacity moves in the ledger). */
function eventEditRoute(router: Router, registry: OpenApiRegistry, deps: EventRoutesDeps): void {
  const { events } = deps;
  defineRoute(
    router,
    registry,
    {
      method: "patch",
      path: "/api/admin/events/:eventId",
      summary:
        "Edit an event: name, venue, description, date, and per tier its name, price (for holds placed " +
        "from now on) and capacity (raised: funded in the ledger; lowered: never below sold + held)",
      tags: adminTags,
      security: "admin",
      guards: [requireAdmin(deps.admin)],
      params: eventParams,
      body: eventEditInput,
      responses: {
        200: { description: "edited: the event as it is now", schema: eventView },
        404: { description: "no such event" },
        409: { description: "capacity_below_sold (nothing changed) or event_ended (closed or cancelled)" },
        422: { description: "invalid (unknown field or tier, empty name, past date, bad capacity)" },
      },
    },
    async ({ params, body }, _req, res) => {
      const record = await findEvent(events, params.eventId, false);
      const { adminId, username } = currentAdmin(res);
      return events.edit(record.id, body, { adminId, username });
    },
  );
}

function floorAboveCeiling(): never {
  const issue = { field: "body.admitPerMinuteFloor", message: ruleWords.floorCeiling };
  throw new HttpError(422, "invalid_request", `${issue.field}: ${issue.message}`, { issues: [issue] });
}

/** The admin's waiting-room settings of an event: tune its admission, pause or resume it. */
function waitingRoomSettingsRoute(router: Router, registry: OpenApiRegistry, deps: EventRoutesDeps): void {
  const { events } = deps;
  const adminOnly = [requireAdmin(deps.admin)];
  defineRoute(
    router,
    registry,
    {
      method: "patch",
      path: "/api/admin/events/:eventId/waiting-room",
      summary: "Tune admission (auto or manual, rate, floor and ceiling, checkout slots) or pause/resume",
      tags: adminTags,
      security: "admin",
      guards: adminOnly,
      params: eventParams,
      body: waitingRoomPatchInput,
      responses: {
        200: { description: "updated", schema: eventView },
        409: { description: "cannot pause/resume from this status" },
      },
    },
    async ({ params, body }) => {
      const record = await findEvent(events, params.eventId, false);
      // Refused before pausing or resuming: a refused request must change nothing.
      const wr = record.waitingRoom;
      if (
        (body.admitPerMinuteFloor ?? wr.admitPerMinuteFloor) > (body.admitPerMinuteCeiling ?? wr.admitPerMinuteCeiling)
      )
        floorAboveCeiling();
      if (body.paused !== undefined && body.paused !== (record.status === "paused")) {
        const outcome = await events.transition(record.id, body.paused ? "paused" : "on_sale");
        if (outcome.kind !== "moved")
          throw new HttpError(
            409,
            "invalid_transition",
            `cannot ${body.paused ? "pause" : "resume"} an event that is ${record.status}`,
          );
      }
      const tuned = await events.tuneAdmission(record.id, body);
      if (tuned.kind === "not_found") throw new HttpError(404, "not_found", "no such event");
      if (tuned.kind === "floor_above_ceiling") floorAboveCeiling();
      return events.view(tuned.record);
    },
  );
}
