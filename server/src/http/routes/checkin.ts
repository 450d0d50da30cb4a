// The door check-in route, `POST /api/admin/checkin {code, eventId?}`: a signed QR payload is
// verified with the key first (a forgery never reaches the database), a short code is normalised
// and counted against the scanner's misses; the check-in itself is services/orders/checkin.ts.
import type { Router } from "express";
import { checkinInput, checkinView } from "@stampede/shared/api/orders";
import { normalizeShortCode } from "@stampede/shared/core/short-code";
import type { TicketsRepo } from "../../adapters/postgres/tickets-repo.js";
import type { AdminAuthDeps } from "../../services/admin/auth.js";
import { checkIn, type ShortCodeMisses } from "../../services/orders/checkin.js";
import type { TicketCodes } from "../../services/orders/ticket-codes.js";
import { HttpError } from "../errors.js";
import type { OpenApiRegistry } from "../openapi.js";
import { defineRoute } from "../route.js";
import { currentAdmin, requireAdmin } from "../guards/admin.js";

const invalid = () => new HttpError(404, "invalid_ticket", "this is not a valid ticket");

export interface CheckinRouteDeps {
  admin: AdminAuthDeps;
  tickets: TicketsRepo;
  codes: TicketCodes;
  misses: ShortCodeMisses;
}

export function checkinRoute(router: Router, registry: OpenApiRegistry, deps: CheckinRouteDeps): void {
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/api/admin/checkin",
      tags: ["admin: check-in"],
      security: "admin",
      guards: [requireAdmin(deps.admin, ["scanner"])],
      body: checkinInput,
      summary:
        "Check a ticket in at the door by its QR code or its short code (any case, dashes optional): the first scan wins",
      responses: {
        200: { description: "first scan", schema: checkinView },
        404: { description: "invalid_ticket (unknown, forged or refunded)" },
        409: { description: "already_checked_in, or wrong_event when eventId names another event" },
        429: { description: "too many unknown short codes" },
      },
    },
    async ({ body }, _req, res) => {
      const scanner = currentAdmin(res).username;
      const eventId = body.eventId ?? null;
      const shortCode = normalizeShortCode(body.code);
      if (shortCode === null) {
        const claims = deps.codes.verify(body.code);
        const checkedIn = claims
          ? await checkIn(deps.tickets, { ticketId: claims.ticketId, code: body.code.trim() }, scanner, eventId)
          : null;
        if (!checkedIn) throw invalid();
        return checkedIn;
      }
      await deps.misses.assertAllowed(scanner);
      const checkedIn = await checkIn(deps.tickets, { shortCode }, scanner, eventId);
      if (!checkedIn) {
        await deps.misses.miss(scanner);
        throw invalid();
      }
      return checkedIn;
    },
  );
}
