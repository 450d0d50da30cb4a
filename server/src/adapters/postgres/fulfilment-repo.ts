// A paid order's rows in PostgreSQL: its tickets (each with a unique short code), its granted
// perks, and the voiding of its tickets on refund. The rows come computed (codes signed, perks
// granted by the ledger) from services/orders/fulfilment.ts.
import { assert } from "@stampede/shared/assert";
import type { Tx } from "@stampede/shared/ports/transaction";
import { columnOf } from "./batched.js";
import { clientOf } from "./pool.js";

/** Draws a ticket's short code; tests inject one that collides on purpose. */
export type ShortCodeSource = () => string;

/** A ticket to write; its short code is drawn as it is written (see insertTickets). */
export interface NewTicket {
  id: string;
  orderId: string;
  eventId: string;
  classId: string;
  classCode: string;
  code: string;
}

/** Draws for one ticket before giving up: with 50-bit codes even a second draw is a one-in-billions event. */
const shortCodeDrawsMax = 8;

/** Tickets (of one order or of several paid in one transaction), as one multi-row insert. */
export async function insertTickets(
  tx: Tx,
  tickets: readonly NewTicket[],
  drawShortCode: ShortCodeSource,
): Promise<void> {
  let rows = tickets.map((ticket) => ({ ...ticket, shortCode: "" }));
  // A short code another ticket already has is skipped by ON CONFLICT (no error, so the payment's
  // transaction goes on) and that ticket draws again.
  for (let draw = 1; rows.length > 0; draw++) {
    assert(draw <= shortCodeDrawsMax, `no free short code after ${shortCodeDrawsMax} draws`);
    for (const row of rows) row.shortCode = drawShortCode();
    const { rows: inserted } = await clientOf(tx).query<{ id: string }>(
      `INSERT INTO tickets (id, order_id, event_id, class_id, class_code, code, short_code)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (short_code) DO NOTHING RETURNING id`,
      [
        ...[columnOf(rows, "id"), columnOf(rows, "orderId"), columnOf(rows, "eventId"), columnOf(rows, "classId")],
        ...[columnOf(rows, "classCode"), columnOf(rows, "code"), columnOf(rows, "shortCode")],
      ],
    );
    const done = new Set(inserted.map((r) => r.id));
    rows = rows.filter((r) => !done.has(r.id));
  }
}

/** Records the granted perks, inside the transaction that marks the order paid. */
export async function recordPerks(tx: Tx, orderId: string, perkIds: readonly string[]): Promise<void> {
  await recordPerksFor(tx, [{ orderId, perkIds }]);
}

export interface PerkGrants {
  orderId: string;
  perkIds: readonly string[];
}

/** The granted perks of several orders paid in one transaction, as one insert. */
export async function recordPerksFor(tx: Tx, grants: readonly PerkGrants[]): Promise<void> {
  const rows = grants.flatMap((g) => g.perkIds.map((perkId) => ({ orderId: g.orderId, perkId })));
  if (rows.length === 0) return;
  await clientOf(tx).query(
    "INSERT INTO order_perks (order_id, perk_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING",
    [columnOf(rows, "orderId"), columnOf(rows, "perkId")],
  );
}

/** A refunded order's tickets stop working at the door. */
export async function voidTickets(tx: Tx, orderId: string): Promise<void> {
  await clientOf(tx).query("UPDATE tickets SET voided_at = now() WHERE order_id = $1 AND voided_at IS NULL", [orderId]);
}
