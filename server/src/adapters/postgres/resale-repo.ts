// Resale in PostgreSQL: the events' settings, listings, purchases and payouts (0025_resale.sql).
// Which buyer holds a listing is the ledger's to decide (resale-plans.ts); these rows say what the
// shop shows and what it sold. Status moves are compare-and-set, like the orders'.
import type { ListingStatus, PurchaseStatus, ResaleSettingsView } from "@stampede/shared/api/resale";
import type { Tx } from "@stampede/shared/ports/transaction";
import type { PaymentProviderName } from "@stampede/shared/api/events";
import { clientOf, type Pool } from "./pool.js";
import type { NewOrder } from "./orders-repo.js";

export const defaultResaleSettings: ResaleSettingsView = {
  enabled: false,
  priceCapPercent: 100,
  feePercent: 0,
  lockSeconds: 300,
};

export interface ListingRecord {
  id: string;
  eventId: string;
  ticketId: string;
  orderId: string;
  sellerAccountId: string;
  classId: string;
  classCode: string;
  priceCents: number;
  faceValueCents: number;
  capCents: number;
  currency: string;
  /** The row's status, with `locked` when a buyer's lock has not run out. */
  status: ListingStatus;
  lockExpiresAt: Date | null;
  /** Offered to the line first until then (fair resale), or null. */
  queueUntil: Date | null;
  createdAt: Date;
  soldAt: Date | null;
}

export type NewListing = Omit<ListingRecord, "status" | "lockExpiresAt" | "createdAt" | "soldAt">;

export interface PurchaseRecord {
  id: string;
  listingId: string;
  eventId: string;
  buyerAccountId: string;
  buyerFanId: string;
  email: string;
  priceCents: number;
  feeCents: number;
  totalCents: number;
  currency: string;
  status: PurchaseStatus;
  lockSlot: "lock" | "late";
  lockExpiresAt: Date;
  paymentProvider: PaymentProviderName;
  paymentSessionId: string | null;
  paymentUrl: string | null;
  orderId: string | null;
}

export type NewPurchase = Omit<PurchaseRecord, "status" | "lockSlot" | "paymentSessionId" | "paymentUrl" | "orderId">;

/** A ticket as listing it needs to see it: its order, its state, what it cost. */
export interface TicketForSale {
  ticketId: string;
  eventId: string;
  orderId: string;
  orderStatus: string;
  orderFanId: string;
  orderEmail: string;
  classId: string;
  classCode: string;
  checkedIn: boolean;
  voided: boolean;
  resold: boolean;
  unitPriceCents: number;
  currency: string;
}

// A listing's status as shown: listed rows with a live lock (a locked purchase not run out) are
// locked; listed rows whose ticket went void (its order refunded) or was checked in are as good as withdrawn.
const listingSelect = `SELECT l.*, CASE
    WHEN l.status = 'listed' AND (tk.voided_at IS NOT NULL OR tk.checked_in_at IS NOT NULL) THEN 'withdrawn'
    WHEN l.status = 'listed' AND p.lock_expires_at IS NOT NULL THEN 'locked'
    ELSE l.status END AS shown_status, p.lock_expires_at AS live_lock
  FROM resale_listings l JOIN tickets tk ON tk.id = l.ticket_id
  LEFT JOIN LATERAL (SELECT max(lock_expires_at) AS lock_expires_at FROM resale_purchases
    WHERE listing_id = l.id AND status = 'locked' AND lock_expires_at > now()) p ON true`;

const toListing = (r: Record<string, unknown>): ListingRecord => ({
  id: r.id as string,
  eventId: r.event_id as string,
  ticketId: r.ticket_id as string,
  orderId: r.order_id as string,
  sellerAccountId: r.seller_account_id as string,
  classId: r.class_id as string,
  classCode: r.class_code as string,
  priceCents: Number(r.price_cents),
  faceValueCents: Number(r.face_value_cents),
  capCents: Number(r.cap_cents),
  currency: r.currency as string,
  status: r.shown_status as ListingStatus,
  lockExpiresAt: (r.live_lock as Date | null) ?? null,
  queueUntil: (r.queue_until as Date | null) ?? null,
  createdAt: r.created_at as Date,
  soldAt: (r.sold_at as Date | null) ?? null,
});

const toPurchase = (r: Record<string, unknown>): PurchaseRecord => ({
  id: r.id as string,
  listingId: r.listing_id as string,
  eventId: r.event_id as string,
  buyerAccountId: r.buyer_account_id as string,
  buyerFanId: r.buyer_fan_id as string,
  email: r.email as string,
  priceCents: Number(r.price_cents),
  feeCents: Number(r.fee_cents),
  totalCents: Number(r.total_cents),
  currency: r.currency as string,
  status: r.status as PurchaseStatus,
  lockSlot: r.lock_slot as "lock" | "late",
  lockExpiresAt: r.lock_expires_at as Date,
  paymentProvider: r.payment_provider as PaymentProviderName,
  paymentSessionId: (r.payment_session_id as string | null) ?? null,
  paymentUrl: (r.payment_url as string | null) ?? null,
  orderId: (r.order_id as string | null) ?? null,
});

export class ResaleRepo {
  constructor(private readonly pool: Pool) {}

  async settings(eventId: string): Promise<ResaleSettingsView> {
    const { rows } = await this.pool.query(
      "SELECT enabled, price_cap_percent, fee_percent, lock_seconds FROM event_resale_settings WHERE event_id = $1",
      [eventId],
    );
    const r = rows[0];
    if (!r) return defaultResaleSettings;
    return {
      enabled: r.enabled as boolean,
      priceCapPercent: r.price_cap_percent as number,
      feePercent: r.fee_percent as number,
      lockSeconds: r.lock_seconds as number,
    };
  }

  async putSettings(eventId: string, s: ResaleSettingsView): Promise<void> {
    await this.pool.query(
      `INSERT INTO event_resale_settings (event_id, enabled, price_cap_percent, fee_percent, lock_seconds)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (event_id) DO UPDATE SET enabled = $2, price_cap_percent = $3, fee_percent = $4, lock_seconds = $5,
         updated_at = now()`,
      [eventId, s.enabled, s.priceCapPercent, s.feePercent, s.lockSeconds],
    );
  }

  async ticketForSale(ticketId: string): Promise<TicketForSale | null> {
    const { rows } = await this.pool.query(
      `SELECT t.id, t.event_id, t.order_id, t.class_id, t.class_code, t.checked_in_at, t.voided_at, t.resold_at,
         o.status, o.fan_id, o.email, o.currency,
         (SELECT (i->>'unitPriceCents')::bigint FROM jsonb_array_elements(o.items) i
           WHERE i->>'classId' = t.class_id::text LIMIT 1) AS unit_price
       FROM tickets t JOIN orders o ON o.id = t.order_id WHERE t.id = $1`,
      [ticketId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      ticketId: r.id,
      eventId: r.event_id,
      orderId: r.order_id,
      orderStatus: r.status,
      orderFanId: r.fan_id,
      orderEmail: r.email,
      classId: r.class_id,
      classCode: r.class_code,
      checkedIn: r.checked_in_at !== null,
      voided: r.voided_at !== null,
      resold: r.resold_at !== null,
      unitPriceCents: Number(r.unit_price ?? 0),
      currency: r.currency,
    };
  }

  /** Whether the ticket has a listing still for sale (the unique index decides; this spares the ledger a doomed account). */
  async isListed(ticketId: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      "SELECT 1 FROM resale_listings WHERE ticket_id = $1 AND status = 'listed' LIMIT 1",
      [ticketId],
    );
    return rows.length > 0;
  }

  /** False when the ticket already has an open listing. */
  async insertListing(l: NewListing): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO resale_listings (id, event_id, ticket_id, order_id, seller_account_id, class_id, class_code,
         price_cents, face_value_cents, cap_cents, currency, status, queue_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'listed', $12) ON CONFLICT DO NOTHING`,
      [
        ...[l.id, l.eventId, l.ticketId, l.orderId, l.sellerAccountId, l.classId, l.classCode],
        ...[l.priceCents, l.faceValueCents, l.capCents, l.currency, l.queueUntil],
      ],
    );
    return rowCount === 1;
  }

  async listing(id: string): Promise<ListingRecord | null> {
    const { rows } = await this.pool.query(`${listingSelect} WHERE l.id = $1`, [id]);
    return rows[0] ? toListing(rows[0]) : null;
  }

  /** What is for sale now (listed or locked), cheapest first. */
  async onSale(eventId: string, limit: number): Promise<ListingRecord[]> {
    const { rows } = await this.pool.query(
      `${listingSelect} WHERE l.event_id = $1 AND l.status = 'listed' AND tk.voided_at IS NULL AND tk.checked_in_at IS NULL
        ORDER BY l.price_cents, l.created_at LIMIT $2`,
      [eventId, limit],
    );
    return rows.map(toListing);
  }

  async ofSeller(accountId: string, limit: number): Promise<ListingRecord[]> {
    const { rows } = await this.pool.query(
      `${listingSelect} WHERE l.seller_account_id = $1 ORDER BY l.created_at DESC, l.id DESC LIMIT $2`,
      [accountId, limit],
    );
    return rows.map(toListing);
  }

  async ofEvent(eventId: string, limit: number): Promise<ListingRecord[]> {
    const { rows } = await this.pool.query(
      `${listingSelect} WHERE l.event_id = $1 ORDER BY l.created_at DESC, l.id DESC LIMIT $2`,
      [eventId, limit],
    );
    return rows.map(toListing);
  }

  /** A listed listing's new price (the caller holds the ledger's edit guard); false when it is no longer listed. */
  async setPrice(id: string, priceCents: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE resale_listings SET price_cents = $2, updated_at = now() WHERE id = $1 AND status = 'listed'",
      [id, priceCents],
    );
    return rowCount === 1;
  }

  async withdraw(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE resale_listings SET status = 'withdrawn', updated_at = now() WHERE id = $1 AND status = 'listed'",
      [id],
    );
    return rowCount === 1;
  }

  async insertPurchase(p: NewPurchase): Promise<void> {
    await this.pool.query(
      `INSERT INTO resale_purchases (id, listing_id, event_id, buyer_account_id, buyer_fan_id, email, price_cents,
         fee_cents, total_cents, currency, status, lock_expires_at, payment_provider)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'locked', $11, $12)`,
      [
        ...[p.id, p.listingId, p.eventId, p.buyerAccountId, p.buyerFanId, p.email],
        ...[p.priceCents, p.feeCents, p.totalCents, p.currency, p.lockExpiresAt, p.paymentProvider],
      ],
    );
  }

  async setSession(id: string, sessionId: string, paymentUrl: string): Promise<void> {
    await this.pool.query("UPDATE resale_purchases SET payment_session_id = $2, payment_url = $3 WHERE id = $1", [
      id,
      sessionId,
      paymentUrl,
    ]);
  }

  /** A lock given back before any payment could start (no session was opened). */
  async failPurchase(id: string): Promise<void> {
    await this.pool.query("UPDATE resale_purchases SET status = 'failed' WHERE id = $1 AND status = 'locked'", [id]);
  }

  async purchase(id: string): Promise<PurchaseRecord | null> {
    const { rows } = await this.pool.query("SELECT * FROM resale_purchases WHERE id = $1", [id]);
    return rows[0] ? toPurchase(rows[0]) : null;
  }

  async purchaseForUpdate(tx: Tx, id: string): Promise<PurchaseRecord | null> {
    const { rows } = await clientOf(tx).query("SELECT * FROM resale_purchases WHERE id = $1 FOR UPDATE", [id]);
    return rows[0] ? toPurchase(rows[0]) : null;
  }

  /** Compare-and-set of a purchase's status (and, when paying, its order and lock slot). */
  async movePurchase(
    tx: Tx,
    id: string,
    from: PurchaseStatus,
    to: PurchaseStatus,
    paid?: { orderId: string; lockSlot: "lock" | "late" },
  ): Promise<boolean> {
    const { rowCount } = await clientOf(tx).query(
      `UPDATE resale_purchases SET status = $3, order_id = COALESCE($4, order_id), lock_slot = COALESCE($5, lock_slot),
         paid_at = CASE WHEN $3 = 'paid' THEN now() ELSE paid_at END
       WHERE id = $1 AND status = $2`,
      [id, from, to, paid?.orderId ?? null, paid?.lockSlot ?? null],
    );
    return rowCount === 1;
  }

  /** Whether the listed ticket can still change hands (not void, not checked in), locking its row till the commit. */
  async ticketStillSellable(tx: Tx, ticketId: string): Promise<boolean> {
    const { rows } = await clientOf(tx).query(
      "SELECT voided_at IS NULL AND checked_in_at IS NULL AS ok FROM tickets WHERE id = $1 FOR UPDATE",
      [ticketId],
    );
    return rows[0]?.ok === true;
  }

  /** The listing sold: its ticket void and marked resold, the seller's payout recorded. */
  async markSold(tx: Tx, listing: ListingRecord, payoutCents: number): Promise<boolean> {
    const client = clientOf(tx);
    const { rowCount } = await client.query(
      "UPDATE resale_listings SET status = 'sold', sold_at = now(), updated_at = now() WHERE id = $1 AND status = 'listed'",
      [listing.id],
    );
    if (rowCount !== 1) return false;
    await client.query("UPDATE tickets SET voided_at = COALESCE(voided_at, now()), resold_at = now() WHERE id = $1", [
      listing.ticketId,
    ]);
    await client.query(
      `INSERT INTO resale_payouts (listing_id, seller_account_id, amount_cents, currency) VALUES ($1, $2, $3, $4)`,
      [listing.id, listing.sellerAccountId, payoutCents, listing.currency],
    );
    return true;
  }

  /** The buyer's order: paid (the resold ticket is theirs) or refunded (paid after the listing was gone). */
  async insertBuyerOrder(tx: Tx, order: NewOrder, status: "paid" | "refunded", listingId: string): Promise<void> {
    await clientOf(tx).query(
      `INSERT INTO orders (id, event_id, fan_id, email, status, admission_jti, hold_id, items, total_cents, currency,
         order_token_hash, payment_provider, payment_session_id, payment_url, expires_at, paid_at, refunded_at,
         status_reason, resale_listing_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now(),
         CASE WHEN $5 = 'refunded' THEN now() END, CASE WHEN $5 = 'refunded' THEN 'late payment, listing gone' END, $16)`,
      [
        ...[order.id, order.eventId, order.fanId, order.email, status, order.admissionJti, order.holdId],
        ...[JSON.stringify(order.items), order.totalCents, order.currency, order.orderTokenHash, order.paymentProvider],
        ...[order.paymentSessionId, order.paymentUrl, order.expiresAt, listingId],
      ],
    );
  }

  /** Listings offered to the line first right now that nobody holds: fans the room may admit for them. */
  async queueOffers(eventId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (${listingSelect}
         WHERE l.event_id = $1 AND l.status = 'listed' AND l.queue_until > now()) x WHERE shown_status = 'listed'`,
      [eventId],
    );
    return rows[0]?.n ?? 0;
  }

  /** How many listings of the event are in each state. */
  async counts(eventId: string): Promise<Record<ListingStatus, number>> {
    const { rows } = await this.pool.query<{ shown_status: ListingStatus; n: string }>(
      `SELECT shown_status, count(*) AS n FROM (${listingSelect} WHERE l.event_id = $1) x GROUP BY 1`,
      [eventId],
    );
    const counts = { listed: 0, locked: 0, sold: 0, withdrawn: 0 };
    for (const r of rows) counts[r.shown_status] = Number(r.n);
    return counts;
  }
}
