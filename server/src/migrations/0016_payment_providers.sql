-- Up Migration
-- The payment provider is chosen per event (MockPay, the default and the demo's, or Stripe
-- Checkout); each order keeps the provider it was opened with, so its refund goes to the provider
-- that took the money even if the event is switched afterwards. A constant default: no rewrite.
ALTER TABLE events ADD COLUMN payment_provider text NOT NULL DEFAULT 'mockpay'
  CONSTRAINT events_payment_provider_known CHECK (payment_provider IN ('mockpay', 'stripe'));
ALTER TABLE orders ADD COLUMN payment_provider text NOT NULL DEFAULT 'mockpay'
  CONSTRAINT orders_payment_provider_known CHECK (payment_provider IN ('mockpay', 'stripe'));

-- Down Migration
ALTER TABLE orders DROP COLUMN payment_provider;
ALTER TABLE events DROP COLUMN payment_provider;
