-- Up Migration
-- Sellers' resale payouts made through MockPay. mockpay_payouts is MockPay's own table (it never
-- reads the shop's): one payout per payout key, so a retried payout returns the first. On the
-- shop's side a resale_payouts row (recorded when the sale settles) is pending until the provider
-- has paid it out: payout_id and paid_at say it has; attempts and last_error what went wrong
-- meanwhile. A row whose provider cannot pay out (Stripe: that would need Connect) keeps that as
-- its last_error and is left for a person, not tried again. Nullable columns and constant
-- defaults: no table rewrite.
CREATE TABLE mockpay_payouts (
  id            text PRIMARY KEY CHECK (id ~ '^po_[0-9a-f]{32}$'),
  payout_key    text NOT NULL UNIQUE,
  amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
  currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  recipient     text NOT NULL,
  description   text NOT NULL,
  status        text NOT NULL DEFAULT 'paid' CHECK (status IN ('paid')),
  created_at    timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE resale_payouts
  ADD COLUMN payout_id  text,
  ADD COLUMN paid_at    timestamptz,
  ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
  ADD COLUMN last_error text,
  ADD CHECK ((payout_id IS NULL) = (paid_at IS NULL));

-- The resumer's work list: payouts not paid yet (and not left for a person), fewest attempts first.
CREATE INDEX resale_payouts_pending ON resale_payouts (attempts, recorded_at)
  WHERE paid_at IS NULL AND last_error IS DISTINCT FROM 'provider cannot pay out';

-- Down Migration
DROP INDEX resale_payouts_pending;
ALTER TABLE resale_payouts
  DROP COLUMN last_error,
  DROP COLUMN attempts,
  DROP COLUMN paid_at,
  DROP COLUMN payout_id;
DROP TABLE mockpay_payouts;
