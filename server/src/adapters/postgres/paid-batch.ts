// Group commit for the common webhook: a payment that succeeded for an order still held, whose
// hold the ledger has just posted. Concurrent ones commit in one transaction — the orders locked
// in id order, one inbox insert, one status update, one ticket insert, one perks insert — instead
// of a transaction each (services/orders/settlement.ts). An item this cannot settle as plainly
// (the order moved since it was read — a redelivery of an event applied before is one —, a
// session that is not the order's, an event id already in the inbox, a second event for the same
// order in the batch) comes back as "fallback" for the one-by-one path, which has an answer for
// each. A batch that fails is re-sent item by item by pgBatched, so a bad row fails alone.
import { assert } from "@stampede/shared/assert";
import type { OrderRecord } from "@stampede/shared/ports/orders";
import type { PaymentEvent } from "@stampede/shared/ports/payment-provider";
import { firstIndexByKey, type Coalesced } from "../batching/coalesce.js";
import { columnOf, pgBatched } from "./batched.js";
import { insertTickets, recordPerksFor, type NewTicket, type ShortCodeSource } from "./fulfilment-repo.js";
import { clientOf, transactionsOn, type Pool, type PoolClient } from "./pool.js";

export interface PaidItem {
  evt: PaymentEvent;
  /** The order as read before its hold was posted (status held). */
  order: OrderRecord;
  perks: string[];
  /** The order's tickets, codes signed (written only if it is paid here). */
  tickets: NewTicket[];
}

/** paid: settled here; fallback: settle it one by one (nothing of it was written here). */
export type PaidOutcome = "paid" | "fallback";

export class PaidBatch {
  /** Payments of held orders settling at the same moment: one transaction for all (commitPaid). */
  readonly commitPaid: Coalesced<PaidItem, PaidOutcome>;

  constructor(pool: Pool, drawShortCode: ShortCodeSource) {
    this.commitPaid = pgBatched((items: PaidItem[]) => commitPaid(pool, items, drawShortCode));
  }
}

/** One transaction for all the items (unbatched: PaidBatch.commitPaid coalesces concurrent calls). */
export async function commitPaid(
  pool: Pool,
  items: readonly PaidItem[],
  drawShortCode: ShortCodeSource,
): Promise<PaidOutcome[]> {
  const outcomes: PaidOutcome[] = items.map(() => "fallback");
  const first = firstIndexByKey(items, (item) => item.order.id);
  await transactionsOn(pool)(async (tx) => {
    const client = clientOf(tx);
    const held = await lockHeld(client, [...first.keys()]);
    const candidates = [...first.values()].filter((i) => held.get(items[i]!.order.id) === items[i]!.evt.data.sessionId);
    const fresh = await insertInbox(
      client,
      candidates.map((i) => items[i]!),
    );
    const paying = candidates.filter((i) => fresh.has(items[i]!.evt.id));
    for (const i of paying) outcomes[i] = "paid";
    if (paying.length === 0) return;
    const orders = paying.map((i) => items[i]!.order);
    const { rowCount } = await client.query(
      "UPDATE orders SET status = 'paid', updated_at = now(), paid_at = now() WHERE id = ANY($1::uuid[]) AND status = 'held'",
      [columnOf(orders, "id")],
    );
    assert(rowCount === orders.length, `paid ${rowCount} of ${orders.length} locked held orders`);
    await insertTickets(
      tx,
      paying.flatMap((i) => items[i]!.tickets),
      drawShortCode,
    );
    await recordPerksFor(
      tx,
      paying.map((i) => ({ orderId: items[i]!.order.id, perkIds: items[i]!.perks })),
    );
  });
  return outcomes;
}

/** Locks the orders (in id order, so two batches never wait on each other in a circle); returns the held ones' payment sessions. */
async function lockHeld(client: PoolClient, orderIds: string[]): Promise<Map<string, string | null>> {
  const { rows } = await client.query<{ id: string; status: string; payment_session_id: string | null }>(
    "SELECT id, status, payment_session_id FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE",
    [orderIds],
  );
  return new Map(rows.filter((r) => r.status === "held").map((r) => [r.id, r.payment_session_id]));
}

/** The inbox rows (outcome paid); returns the event ids inserted now (the others were applied before). */
async function insertInbox(client: PoolClient, items: readonly PaidItem[]): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const { rows } = await client.query<{ event_id: string }>(
    `INSERT INTO payment_inbox (event_id, type, order_id, session_id, outcome)
     SELECT event_id, type, order_id, session_id, 'paid'
     FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[]) AS i(event_id, type, order_id, session_id)
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [
      items.map((i) => i.evt.id),
      items.map((i) => i.evt.type),
      items.map((i) => i.order.id),
      items.map((i) => i.evt.data.sessionId),
    ],
  );
  return new Set(rows.map((r) => r.event_id));
}
