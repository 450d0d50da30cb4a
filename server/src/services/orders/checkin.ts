// Door check-in (`POST /api/admin/checkin {code, eventId?}`, routed in http/routes/checkin.ts). The
// code is either the signed QR payload (verified with the key first, so a forgery never reaches the
// database) or the ticket's short code as a steward typed it (normalised, then looked up). Either
// way one UPDATE decides: the first scan wins, every other scan — even at the same instant — is
// told when it was.
// Unknown short codes are counted per scanner account (`checkinShortCodeMissesPerMinuteMax`), so
// nobody can guess codes at speed (the arithmetic is in shared/src/core/short-code.ts).
import { RateLimiterRedis } from "rate-limiter-flexible";
import type { CheckinView } from "@stampede/shared/api/orders";
import { checkinShortCodeMissesPerMinuteMax } from "@stampede/shared/limits";
import type { Pool } from "../../adapters/postgres/pool.js";
import { redisKey, type Redis } from "../../adapters/redis/connection.js";
import { DomainError, rateLimited } from "../errors.js";

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

/** Checks the ticket in if it is valid (for `eventId` when given): null when no ticket has that
 * code; a refunded, other event's or already scanned ticket is thrown as a DomainError. */
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
    throw new DomainError("invalid_ticket", "this ticket was refunded and no longer admits anyone", {
      details: { refunded: true, ticketId: row.id, classCode: row.class_code },
    });
  if (eventId !== null && row.event_id !== eventId) {
    throw new DomainError("wrong_event", "this ticket is for another event", {
      details: { ticketId: row.id, classCode: row.class_code, eventId: row.event_id },
    });
  }
  if (!row.updated) {
    // Lost to a concurrent scan: this statement's snapshot predates that scan's commit, so read
    // the first scan's time afresh (READ COMMITTED: a new statement sees it).
    const first = await pool.query<{ checked_in_at: Date }>("SELECT checked_in_at FROM tickets WHERE id = $1", [
      row.id,
    ]);
    const checkedInAt = first.rows[0]?.checked_in_at?.toISOString() ?? null;
    throw new DomainError("already_checked_in", `already checked in at ${checkedInAt}`, {
      details: { checkedInAt, ticketId: row.id, classCode: row.class_code },
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
