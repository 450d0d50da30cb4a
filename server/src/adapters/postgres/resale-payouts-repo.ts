// The resale_payouts rows as the payouts runner sees them (services/resale/payouts.ts): a row is
// recorded with the sale (resale-repo.ts markSold) and is pending until the provider has paid it out
// (payout_id, paid_at); a failed try counts in attempts with its last_error. A row whose provider
// cannot pay out is marked so once and is no longer on the pending list (0028_payouts.sql).
import type { PaymentProviderName } from "@stampede/shared/api/events";
import type { Pool } from "./pool.js";

/** last_error of a payout whose event's provider has no payouts: left for a person, never tried again. */
export const cannotPayOut = "provider cannot pay out";

const lastErrorMax = 500;

export interface PayoutRecord {
  listingId: string;
  sellerAccountId: string;
  amountCents: number;
  currency: string;
  /** The listing's event's payment provider: the payout is made through it. */
  provider: PaymentProviderName;
  payoutId: string | null;
}

interface RawPayout {
  listing_id: string;
  seller_account_id: string;
  amount_cents: string;
  currency: string;
  provider: PaymentProviderName;
  payout_id: string | null;
}

const payoutSelect = `SELECT p.listing_id, p.seller_account_id, p.amount_cents, p.currency, e.payment_provider AS provider, p.payout_id
  FROM resale_payouts p JOIN resale_listings l ON l.id = p.listing_id JOIN events e ON e.id = l.event_id`;

function toPayout(r: RawPayout): PayoutRecord {
  return {
    ...{ listingId: r.listing_id, sellerAccountId: r.seller_account_id, amountCents: Number(r.amount_cents) },
    ...{ currency: r.currency, provider: r.provider, payoutId: r.payout_id },
  };
}

export class ResalePayoutsRepo {
  constructor(private readonly pool: Pool) {}

  /** The listing's payout, or null when it has none (the listing not sold). */
  async get(listingId: string): Promise<PayoutRecord | null> {
    const { rows } = await this.pool.query<RawPayout>(`${payoutSelect} WHERE p.listing_id = $1`, [listingId]);
    return rows[0] ? toPayout(rows[0]) : null;
  }

  /** Payouts not paid yet (nor left for a person), recorded at least `olderThanSeconds` ago; the least tried first. */
  async pending(limit: number, olderThanSeconds: number): Promise<PayoutRecord[]> {
    const { rows } = await this.pool.query<RawPayout>(
      `${payoutSelect}
        WHERE p.paid_at IS NULL AND p.last_error IS DISTINCT FROM '${cannotPayOut}'
          AND p.recorded_at <= now() - make_interval(secs => $2)
        ORDER BY p.attempts, p.recorded_at LIMIT $1`,
      [limit, olderThanSeconds],
    );
    return rows.map(toPayout);
  }

  /** Stamps the provider's payout (the first stamp stays: a concurrent run's is the same payout). */
  async markPaid(listingId: string, payoutId: string): Promise<void> {
    await this.pool.query(
      "UPDATE resale_payouts SET payout_id = $2, paid_at = now() WHERE listing_id = $1 AND paid_at IS NULL",
      [listingId, payoutId],
    );
  }

  /** Counts a failed try; the payout stays pending. */
  async markFailed(listingId: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE resale_payouts SET attempts = attempts + 1, last_error = left($2, ${lastErrorMax})
        WHERE listing_id = $1 AND paid_at IS NULL`,
      [listingId, error],
    );
  }

  /** Marks a payout its provider cannot make; returns whether this call marked it (false: marked before). */
  async markCannotPayOut(listingId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE resale_payouts SET attempts = attempts + 1, last_error = $2
        WHERE listing_id = $1 AND paid_at IS NULL AND last_error IS DISTINCT FROM $2`,
      [listingId, cannotPayOut],
    );
    return rowCount === 1;
  }
}
