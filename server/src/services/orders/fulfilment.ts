// What a paid order gets, inside the payment's transaction: its tickets (signed codes) and the
// event's perks while they last (one ledger unit per perk per order: the first N paid orders).
import { perkOutcome, planPerkGrant } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { PoolClient } from "../../adapters/postgres/pool.js";
import type { EventRecord } from "../events/events-repo.js";
import type { OrderRecord } from "./orders-repo.js";
import type { TicketCodes } from "./ticket-codes.js";

export async function issueTickets(client: PoolClient, codes: TicketCodes, order: OrderRecord): Promise<void> {
  const rows: unknown[][] = [];
  for (const item of order.items) {
    for (let n = 0; n < item.quantity; n++) {
      const ticketId = uuidv7();
      rows.push([ticketId, order.id, order.eventId, item.classId, item.code, codes.sign({ ticketId, eventId: order.eventId, classCode: item.code })]);
    }
  }
  await client.query(
    `INSERT INTO tickets (id, order_id, event_id, class_id, class_code, code)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[])`,
    [0, 1, 2, 3, 4, 5].map((col) => rows.map((r) => r[col])),
  );
}

export async function grantPerks(client: PoolClient, ledger: Ledger, event: EventRecord, orderId: string): Promise<void> {
  if (event.perks.length === 0) return;
  const grants = event.perks.map((p) => planPerkGrant({ ledger: event.ledger, perkId: p.id, orderId }));
  // Unlinked: each perk is granted or gone on its own.
  const results = await ledger.createTransfers(grants);
  for (const [i, perk] of event.perks.entries()) {
    const result = results[i];
    if (result && perkOutcome(result) === "granted") {
      await client.query("INSERT INTO order_perks (order_id, perk_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [orderId, perk.id]);
    }
  }
}

/** A refunded order's tickets stop working at the door. */
export async function voidTickets(client: PoolClient, orderId: string): Promise<void> {
  await client.query("UPDATE tickets SET voided_at = now() WHERE order_id = $1 AND voided_at IS NULL", [orderId]);
}
