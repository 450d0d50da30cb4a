// Door check-in: `POST /api/admin/checkin {code, eventId?}`. The code is either the signed QR
// payload (verified with the key first, so a forgery never reaches the database) or the ticket's
// short code as a steward typed it (normalised, then looked up). Either way one UPDATE decides:
// the first scan wins, every other scan — even at the same instant — is told when it was.
// Unknown short codes are counted per scanner account (`checkinShortCodeMissesPerMinuteMax`), so
// nobody can guess codes at speed (the arithmetic is in shared/src/core/short-code.ts).
import type { Router } from "express";
import { RateLimiterRedis } from "rate-limiter-flexible";
import { z } from "zod";
import { checkinView, type CheckinView } from "@stampede/shared/api/orders";
import { normalizeShortCode } from "@stampede/shared/core/short-code";
import { isUuid } from "@stampede/shared/ids";
import { checkinShortCodeMissesPerMinuteMax } from "@stampede/shared/limits";
import type { Pool } from "../../adapters/postgres/pool.js";
import { redisKey, type Redis } from "../../adapters/redis/connection.js";
import { HttpError } from "../../http/errors.js";
import type { OpenApiRegistry } from "../../http/openapi.js";
import { rateLimited } from "../../http/rate-limit.js";
import { defineRoute } from "../../http/route.js";
import { currentAdmin, requireAdmin, type AdminAuthDeps } from "../admin/guards.js";
import type { TicketCodes } from "./ticket-codes.js";

/** Which ticket a scan names: the signed code (its id and the exact code) or a short code. */
type TicketKey = { ticketId: string; code: string } | { shortCode: string };

/** The first scan's answer (shared/src/api/orders.ts). */
export type CheckedIn = CheckinView;

interface ScanRow {
  id: string;
  event_id: string;
  class_code: string;
  checked_in_at: Date | null;
  voided_at: Date | null;
  updated: boolean;
}

const invalid = () => new HttpError(404, "invalid_ticket", "this is not a valid ticket");

/** Checks the ticket in if it is valid (for `eventId` when given): null when no ticket has that
 * code; a refunded, other event's or already scanned ticket is thrown as an HttpError. */
export async function checkIn(
  pool: Pool,
  key: TicketKey,
  scanner: string,
  eventId: string | null,
): Promise<CheckedIn | null> {
  const [where, args] =
    "shortCode" in key ? ["short_code = $1", [key.shortCode]] : ["id = $1 AND code = $2", [key.ticketId, key.code]];
  const n = args.length;
  const { rows } = await pool.query<ScanRow>(
    `WITH t AS (SELECT id, event_id, class_code, checked_in_at, voided_at FROM tickets WHERE ${where}),
          u AS (UPDATE tickets SET checked_in_at = now(), checked_in_by = $${n + 1}
                WHERE id = (SELECT id FROM t) AND checked_in_at IS NULL AND voided_at IS NULL AND ($${n + 2}::uuid IS NULL OR event_id = $${n + 2}::uuid)
                RETURNING checked_in_at)
     SELECT t.id, t.event_id, t.class_code, t.voided_at, COALESCE(u.checked_in_at, t.checked_in_at) AS checked_in_at, u.checked_in_at IS NOT NULL AS updated
     FROM t LEFT JOIN u ON true`,
    [...args, scanner, eventId],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.voided_at)
    throw new HttpError(404, "invalid_ticket", "this ticket was refunded and no longer admits anyone", {
      refunded: true,
      ticketId: row.id,
      classCode: row.class_code,
    });
  if (eventId !== null && row.event_id !== eventId) {
    throw new HttpError(409, "wrong_event", "this ticket is for another event", {
      ticketId: row.id,
      classCode: row.class_code,
      eventId: row.event_id,
    });
  }
  if (!row.updated) {
    // Lost to a concurrent scan: this statement's snapshot predates that scan's commit, so read
    // the first scan's time afresh (READ COMMITTED: a new statement sees it).
    const first = await pool.query<{ checked_in_at: Date }>("SELECT checked_in_at FROM tickets WHERE id = $1", [
      row.id,
    ]);
    const checkedInAt = first.rows[0]?.checked_in_at?.toISOString() ?? null;
    throw new HttpError(409, "already_checked_in", `already checked in at ${checkedInAt}`, {
      checkedInAt,
      ticketId: row.id,
      classCode: row.class_code,
    });
  }
  return {
    ticketId: row.id,
    classCode: row.class_code,
    checkedInAt: (row.checked_in_at as Date).toISOString(),
    firstScan: true,
  };
}

/** Counts unknown short codes per scanner account; refuses further short codes while the count is used up. */
export class ShortCodeMisses {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, prefix: string) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: redisKey(prefix, "rl", "checkin-misses"),
      points: checkinShortCodeMissesPerMinuteMax,
      duration: 60,
    });
  }

  async assertAllowed(scanner: string): Promise<void> {
    const used = await this.limiter.get(scanner);
    if (used && used.remainingPoints <= 0)
      throw rateLimited(Math.max(1, Math.ceil(used.msBeforeNext / 1000)), "unknown short codes");
  }

  async miss(scanner: string): Promise<void> {
    await this.limiter.penalty(scanner, 1);
  }
}

export interface CheckinRouteDeps {
  admin: AdminAuthDeps;
  pool: Pool;
  codes: TicketCodes;
  misses: ShortCodeMisses;
}

const checkinBody = z.object({
  code: z.string().min(1).max(1024),
  eventId: z.string().refine(isUuid, "must be an event id").optional(),
});

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
      body: checkinBody,
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
          ? await checkIn(deps.pool, { ticketId: claims.ticketId, code: body.code.trim() }, scanner, eventId)
          : null;
        if (!checkedIn) throw invalid();
        return checkedIn;
      }
      await deps.misses.assertAllowed(scanner);
      const checkedIn = await checkIn(deps.pool, { shortCode }, scanner, eventId);
      if (!checkedIn) {
        await deps.misses.miss(scanner);
        throw invalid();
      }
      return checkedIn;
    },
  );
}
