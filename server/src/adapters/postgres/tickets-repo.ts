// Reading issued tickets in PostgreSQL: an order's tickets, one ticket for its QR code, and the
// door's check-in (one statement decides the first scan). Tickets are written at payment (fulfilment).
import type { Pool } from "./pool.js";

/** A ticket as an order shows it. */
export interface TicketRecord {
  id: string;
  classCode: string;
  code: string;
  shortCode: string;
  checkedInAt: Date | null;
  voidedAt: Date | null;
  resoldAt: Date | null;
}

/** Which ticket a scan names: the signed code (its id and the exact code) or a short code. */
export type TicketKey = { ticketId: string; code: string } | { shortCode: string };

/** A scanned ticket: its first scan's time, and whether this scan was the one that checked it in. */
export interface ScanRecord {
  ticketId: string;
  eventId: string;
  classCode: string;
  checkedInAt: Date | null;
  voidedAt: Date | null;
  updated: boolean;
}

interface ScanRow {
  id: string;
  event_id: string;
  class_code: string;
  checked_in_at: Date | null;
  voided_at: Date | null;
  updated: boolean;
}

export class TicketsRepo {
  constructor(private readonly pool: Pool) {}

  /** An order's tickets, by class then id. */
  async ofOrder(orderId: string): Promise<TicketRecord[]> {
    const { rows } = await this.pool.query<{
      id: string;
      class_code: string;
      code: string;
      short_code: string;
      checked_in_at: Date | null;
      voided_at: Date | null;
      resold_at: Date | null;
    }>(
      `SELECT id, class_code, code, short_code, checked_in_at, voided_at, resold_at FROM tickets WHERE order_id = $1
        ORDER BY class_code, id`,
      [orderId],
    );
    return rows.map((t) => ({
      id: t.id,
      classCode: t.class_code,
      code: t.code,
      shortCode: t.short_code,
      checkedInAt: t.checked_in_at,
      voidedAt: t.voided_at,
      resoldAt: t.resold_at,
    }));
  }

  /** A ticket's order and signed code (what its QR code shows); null when there is no such ticket. */
  async codeOf(ticketId: string): Promise<{ orderId: string; code: string } | null> {
    const { rows } = await this.pool.query<{ order_id: string; code: string }>(
      "SELECT order_id, code FROM tickets WHERE id = $1",
      [ticketId],
    );
    const ticket = rows[0];
    return ticket ? { orderId: ticket.order_id, code: ticket.code } : null;
  }

  /** Checks the ticket in if it is not yet, not void, and (when eventId is given) of that event,
   * in one statement; null when no ticket has that code. */
  async checkIn(key: TicketKey, scanner: string, eventId: string | null): Promise<ScanRecord | null> {
    const [where, args] =
      "shortCode" in key ? ["short_code = $1", [key.shortCode]] : ["id = $1 AND code = $2", [key.ticketId, key.code]];
    const n = args.length;
    const { rows } = await this.pool.query<ScanRow>(
      `WITH t AS (SELECT id, event_id, class_code, checked_in_at, voided_at FROM tickets WHERE ${where}),
          u AS (UPDATE tickets SET checked_in_at = now(), checked_in_by = $${n + 1}
                WHERE id = (SELECT id FROM t) AND checked_in_at IS NULL AND voided_at IS NULL
                  AND ($${n + 2}::uuid IS NULL OR event_id = $${n + 2}::uuid)
                RETURNING checked_in_at)
     SELECT t.id, t.event_id, t.class_code, t.voided_at, COALESCE(u.checked_in_at, t.checked_in_at) AS checked_in_at,
            u.checked_in_at IS NOT NULL AS updated
     FROM t LEFT JOIN u ON true`,
      [...args, scanner, eventId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      ticketId: row.id,
      eventId: row.event_id,
      classCode: row.class_code,
      checkedInAt: row.checked_in_at,
      voidedAt: row.voided_at,
      updated: row.updated,
    };
  }

  /** When the ticket was checked in, as a new statement sees it (READ COMMITTED); null if not (or no such ticket). */
  async checkedInAt(ticketId: string): Promise<Date | null> {
    const { rows } = await this.pool.query<{ checked_in_at: Date }>("SELECT checked_in_at FROM tickets WHERE id = $1", [
      ticketId,
    ]);
    return rows[0]?.checked_in_at ?? null;
  }
}
