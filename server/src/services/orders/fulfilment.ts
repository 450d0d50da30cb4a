// What a paid order gets: its tickets (signed codes for the QR,
// random short codes for typing at the door) and the event's perks while they last (one ledger
// unit per perk per order: the first N paid orders). The rows are written by
// adapters/postgres/fulfilment-repo.ts.
import { perkOutcome, planPerkGrant } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Tx } from "@stampede/shared/ports/transaction";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import { insertTickets, type NewTicket, type ShortCodeSource } from "../../adapters/postgres/fulfilment-repo.js";
import type { OrderRecord } from "../../adapters/postgres/orders-repo.js";
import { newShortCode, type TicketCodes } from "./ticket-codes.js";

/** One order's tickets, inside the transaction that marks it paid (fulfilment-repo.ts writes them). */
export async function issueTickets(
  tx: Tx,
  codes: TicketCodes,
  order: OrderRecord,
  drawShortCode: ShortCodeSource = newShortCode,
): Promise<void> {
  await insertTickets(tx, ticketRows(codes, order), drawShortCode);
}

/** An order's tickets with their signed codes, ready to write. */
export function ticketRows(codes: TicketCodes, order: OrderRecord): NewTicket[] {
  return order.items.flatMap((item) =>
    Array.from({ length: item.quantity }, () => {
      const id = uuidv7();
      const code = codes.sign({ ticketId: id, eventId: order.eventId, classCode: item.code });
      return { id, orderId: order.id, eventId: order.eventId, classId: item.classId, classCode: item.code, code };
    }),
  );
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
