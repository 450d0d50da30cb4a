-- Up Migration
-- Face-value resale. An event's resale settings (off until an admin turns it on); listings (one
-- open listing per ticket; the listing's one ledger unit is what buyers race for); purchases (a
-- buyer's lock and payment: the provider's session is keyed by 'resale_' || purchase id); the
-- seller's payout, recorded when the sale settles. A resold ticket keeps its row, void, with
-- resold_at; the buyer's ticket belongs to a paid order of its own whose resale_listing_id says
-- where it came from.
CREATE TABLE event_resale_settings (
  event_id          uuid PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  enabled           boolean NOT NULL,
  price_cap_percent integer NOT NULL CHECK (price_cap_percent BETWEEN 50 AND 300),
  fee_percent       integer NOT NULL CHECK (fee_percent BETWEEN 0 AND 25),
  lock_seconds      integer NOT NULL CHECK (lock_seconds BETWEEN 60 AND 1800),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE resale_listings (
  id                uuid PRIMARY KEY,
  event_id          uuid NOT NULL REFERENCES events (id),
  ticket_id         uuid NOT NULL REFERENCES tickets (id),
  order_id          uuid NOT NULL REFERENCES orders (id),
  seller_account_id uuid NOT NULL REFERENCES accounts (id),
  class_id          uuid NOT NULL,
  class_code        text NOT NULL,
  price_cents       bigint NOT NULL CHECK (price_cents > 0),
  face_value_cents  bigint NOT NULL,
  cap_cents         bigint NOT NULL,
  currency          char(3) NOT NULL,
  status            text NOT NULL CHECK (status IN ('listed', 'sold', 'withdrawn')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  sold_at           timestamptz,
  CHECK (price_cents <= cap_cents)
);
CREATE UNIQUE INDEX resale_listings_one_open_per_ticket ON resale_listings (ticket_id) WHERE status = 'listed';
CREATE UNIQUE INDEX resale_listings_one_sale_per_ticket ON resale_listings (ticket_id) WHERE status = 'sold';
CREATE INDEX resale_listings_event ON resale_listings (event_id, status);
CREATE INDEX resale_listings_seller ON resale_listings (seller_account_id, created_at DESC);

CREATE TABLE resale_purchases (
  id                 uuid PRIMARY KEY,
  listing_id         uuid NOT NULL REFERENCES resale_listings (id),
  event_id           uuid NOT NULL REFERENCES events (id),
  buyer_account_id   uuid NOT NULL REFERENCES accounts (id),
  buyer_fan_id       uuid NOT NULL,
  email              text NOT NULL,
  price_cents        bigint NOT NULL,
  fee_cents          bigint NOT NULL,
  total_cents        bigint NOT NULL,
  currency           char(3) NOT NULL,
  status             text NOT NULL CHECK (status IN ('locked', 'paid', 'expired', 'failed', 'refunded')),
  -- Which ledger lock backs the purchase: 'lock', or 'late' for a payment re-locked after its lock ran out.
  lock_slot          text NOT NULL DEFAULT 'lock' CHECK (lock_slot IN ('lock', 'late')),
  lock_expires_at    timestamptz NOT NULL,
  payment_provider   text NOT NULL,
  payment_session_id text UNIQUE,
  payment_url        text,
  order_id           uuid REFERENCES orders (id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  paid_at            timestamptz
);
CREATE UNIQUE INDEX resale_purchases_one_paid_per_listing ON resale_purchases (listing_id) WHERE status = 'paid';
CREATE INDEX resale_purchases_listing_locked ON resale_purchases (listing_id) WHERE status = 'locked';
CREATE INDEX resale_purchases_buyer ON resale_purchases (buyer_account_id);

CREATE TABLE resale_payouts (
  listing_id        uuid PRIMARY KEY REFERENCES resale_listings (id),
  seller_account_id uuid NOT NULL REFERENCES accounts (id),
  amount_cents      bigint NOT NULL,
  currency          char(3) NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tickets ADD COLUMN resold_at timestamptz;
ALTER TABLE orders ADD COLUMN resale_listing_id uuid REFERENCES resale_listings (id);

-- Down Migration
ALTER TABLE orders DROP COLUMN resale_listing_id;
ALTER TABLE tickets DROP COLUMN resold_at;
DROP TABLE resale_payouts;
DROP TABLE resale_purchases;
DROP TABLE resale_listings;
DROP TABLE event_resale_settings;
