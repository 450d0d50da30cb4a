// The payment_inbox table: every provider event the shop has seen, once, with what it did
// (services/orders/settlement.ts). A row written in the transaction that applies its event makes
// a redelivery a duplicate. (The group commit writes its rows itself: paid-batch.ts.)
import type { Tx } from "@stampede/shared/ports/transaction";
import { clientOf, type Pool } from "./pool.js";

/** A provider event as the inbox records it. */
export interface InboxEntry {
  eventId: string;
  type: string;
  /** The order it is for; null when no order of ours has that id. */
  orderId: string | null;
  sessionId: string;
}

export class PaymentInbox {
  constructor(private readonly pool: Pool) {}

  /** Inserts the event's row with an outcome; returns false when the inbox has the event already. */
  async record(tx: Tx, entry: InboxEntry, outcome: string): Promise<boolean> {
    const { rowCount } = await clientOf(tx).query(
      "INSERT INTO payment_inbox (event_id, type, order_id, session_id, outcome) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
      [entry.eventId, entry.type, entry.orderId, entry.sessionId, outcome],
    );
    return rowCount === 1;
  }

  /** The outcome of an event once it is applied, in the transaction that recorded it. */
  async setOutcome(tx: Tx, eventId: string, outcome: string): Promise<void> {
    await clientOf(tx).query("UPDATE payment_inbox SET outcome = $2 WHERE event_id = $1", [eventId, outcome]);
  }

  /** An event of a type the shop has no use for: recorded with no order, outside any transaction. */
  async recordIgnored(eventId: string, type: string): Promise<void> {
    await this.pool.query(
      "INSERT INTO payment_inbox (event_id, type, outcome) VALUES ($1, $2, 'ignored_type') ON CONFLICT DO NOTHING",
      [eventId, type],
    );
  }
}
