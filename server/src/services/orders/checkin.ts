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
import type { TicketKey, TicketsRepo } from "../../adapters/postgres/tickets-repo.js";
import { redisKey, type Redis } from "../../adapters/redis/connection.js";
import { DomainError, rateLimited } from "../errors.js";

/** The first scan's answer (shared/src/api/orders.ts). */
export type CheckedIn = CheckinView;

/** Checks the ticket in if it is valid (for `eventId` when given): null when no ticket has that
 * code; a refunded, other event's or already scanned ticket is thrown as a DomainError. */
export async function checkIn(
  tickets: Pick<TicketsRepo, "checkIn" | "checkedInAt">,
  key: TicketKey,
  scanner: string,
  eventId: string | null,
): Promise<CheckedIn | null> {
  const row = await tickets.checkIn(key, scanner, eventId);
  if (!row) return null;
  if (row.voidedAt)
    throw new DomainError("invalid_ticket", "this ticket was refunded and no longer admits anyone", {
      details: { refunded: true, ticketId: row.ticketId, classCode: row.classCode },
    });
  if (eventId !== null && row.eventId !== eventId) {
    throw new DomainError("wrong_event", "this ticket is for another event", {
      details: { ticketId: row.ticketId, classCode: row.classCode, eventId: row.eventId },
    });
  }
  if (!row.updated) {
    // Lost to a concurrent scan: this statement's snapshot predates that scan's commit, so read
    // the first scan's time afresh (READ COMMITTED: a new statement sees it).
    const checkedInAt = (await tickets.checkedInAt(row.ticketId))?.toISOString() ?? null;
    throw new DomainError("already_checked_in", `already checked in at ${checkedInAt}`, {
      details: { checkedInAt, ticketId: row.ticketId, classCode: row.classCode },
    });
  }
  return {
    ticketId: row.ticketId,
    classCode: row.classCode,
    checkedInAt: (row.checkedInAt as Date).toISOString(),
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
