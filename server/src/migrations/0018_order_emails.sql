-- Up Migration
-- Order emails (confirmation with the tickets, refund notice) are sent by the workers' order-emails
-- sweep, never by the payment path: an order needs a message while it is paid without
-- confirmation_sent_at, or refunded without refund_notice_sent_at. The sweep claims a few such
-- orders at a time by pushing email_due_at into the future (a lease: another workers process skips
-- them until it runs out), sends, then stamps the *_sent_at column; a failed send pushes
-- email_due_at out by a backoff instead. NULL email_due_at means "due now", so the payment path
-- never has to write these columns. Nullable columns and constant defaults: no table rewrite.
ALTER TABLE orders
  ADD COLUMN confirmation_sent_at  timestamptz,
  ADD COLUMN refund_notice_sent_at timestamptz,
  ADD COLUMN email_due_at          timestamptz,
  ADD COLUMN email_attempts        integer NOT NULL DEFAULT 0,
  ADD COLUMN email_last_error      text;

-- Orders settled before email existed are not mailed now (a deploy must not mail every past buyer):
-- they are stamped as if sent at the migration.
UPDATE orders SET confirmation_sent_at = now() WHERE status = 'paid';
UPDATE orders SET refund_notice_sent_at = now() WHERE status = 'refunded';

-- The sweep's work list: only orders still owing a message are in it (a handful at rest, however
-- many orders the shop has), ordered by when each is due (never claimed: first).
CREATE INDEX orders_email_due ON orders ((COALESCE(email_due_at, '-infinity'::timestamptz)))
  WHERE (status = 'paid' AND confirmation_sent_at IS NULL)
     OR (status = 'refunded' AND refund_notice_sent_at IS NULL);

-- Down Migration
DROP INDEX orders_email_due;
ALTER TABLE orders
  DROP COLUMN email_last_error,
  DROP COLUMN email_attempts,
  DROP COLUMN email_due_at,
  DROP COLUMN refund_notice_sent_at,
  DROP COLUMN confirmation_sent_at;
