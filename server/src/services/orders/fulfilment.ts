// What a paid order gets: its tickets (signed codes for the QR,
// random short codes for typing at the door) and the event's perks while they last (one ledger
// unit per perk per order: the first N paid orders).
import { perkOutcome, planPerkGrant } from "@stampede/shared/core/ledger-plans";
import { assert } from "@stampede/shared/assert";
import { uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import { columnOf } from "../../adapters/postgres/batched.js";
import type { PoolClient } from "../../adapters/postgres/pool.js";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { OrderRecord } from "../../adapters/postgres/orders-repo.js";
import { newShortCode, type TicketCodes } from "./ticket-codes.js";

/** Draws a ticket's short code; tests inject one that collides on purpose. */
export type ShortCodeSource = () => string;

/** Draws for one ticket before giving up: with 50-bit codes even a second draw is a one-in-billions event. */
const shortCodeDrawsMax = 8;

/** One order's tickets (see issueTicketsFor). */
export async function issueTickets(
  client: PoolClient,
  codes: TicketCodes,
  order: OrderRecord,
  drawShortCode: ShortCodeSource = newShortCode,
): Promise<void> {
  await issueTicketsFor(client, codes, [order], drawShortCode);
}

/** The tickets of several orders paid in one transaction, as one multi-row insert. */
export async function issueTicketsFor(
  client: PoolClient,
  codes: TicketCodes,
  orders: readonly OrderRecord[],
  drawShortCode: ShortCodeSource = newShortCode,
): Promise<void> {
  let rows: TicketRow[] = orders.flatMap((order) => ticketRows(codes, order));
  // A short code another ticket already has is skipped by ON CONFLICT (no error, so the payment's
  // transaction goes on) and that ticket draws again.
  for (let draw = 1; rows.length > 0; draw++) {
    assert(draw <= shortCodeDrawsMax, `no free short code after ${shortCodeDrawsMax} draws`);
    for (const row of rows) row.shortCode = drawShortCode();
    const { rows: inserted } = await client.query<{ id: string }>(
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

function ticketRows(codes: TicketCodes, order: OrderRecord): TicketRow[] {
  return order.items.flatMap((item) =>
    Array.from({ length: item.quantity }, () => {
      const id = uuidv7();
      const code = codes.sign({ ticketId: id, eventId: order.eventId, classCode: item.code });
      return {
        id,
        orderId: order.id,
        eventId: order.eventId,
        classId: item.classId,
        classCode: item.code,
        code,
        shortCode: "",
      };
    }),
  );
}

interface TicketRow {
  id: string;
  orderId: string;
  eventId: string;
  classId: string;
  classCode: string;
  code: string;
  shortCode: string;
}

/** Asks the ledger for the event's perks for a paid order (before the order's transaction: the
 * grant ids derive from the order, so a retry answers `exists`); returns the perks granted. */
export async function grantPerks(ledger: Ledger, event: EventRecord, orderId: string): Promise<string[]> {
  if (event.perks.length === 0) return [];
  const grants = event.perks.map((p) => planPerkGrant({ ledger: event.ledger, perkId: p.id, orderId }));
  // Unlinked: each perk is granted or gone on its own.
  const results = await ledger.createTransfers(grants);
  return event.perks
    .filter((_, i) => results[i] !== undefined && perkOutcome(results[i]) === "granted")
    .map((p) => p.id);
}

/** Records the granted perks, inside the transaction that marks the order paid. */
export async function recordPerks(client: PoolClient, orderId: string, perkIds: readonly string[]): Promise<void> {
  await recordPerksFor(client, [{ orderId, perkIds }]);
}

export interface PerkGrants {
  orderId: string;
  perkIds: readonly string[];
}

/** The granted perks of several orders paid in one transaction, as one insert. */
export async function recordPerksFor(client: PoolClient, grants: readonly PerkGrants[]): Promise<void> {
  const rows = grants.flatMap((g) => g.perkIds.map((perkId) => ({ orderId: g.orderId, perkId })));
  if (rows.length === 0) return;
  await client.query(
    "INSERT INTO order_perks (order_id, perk_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING",
    [columnOf(rows, "orderId"), columnOf(rows, "perkId")],
  );
}

/** A refunded order's tickets stop working at the door. */
export async function voidTickets(client: PoolClient, orderId: string): Promise<void> {
  await client.query("UPDATE tickets SET voided_at = now() WHERE order_id = $1 AND voided_at IS NULL", [orderId]);
}
