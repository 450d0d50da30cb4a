-- Up Migration
-- The seller's "your ticket was resold" email, sent by the workers' resale-notices sweep, never by
-- the settlement: a listing owes its notice while it is sold without sold_notice_sent_at. As with
-- the orders' emails (0018), the sweep claims a few at a time by pushing notice_due_at into the
-- future (a lease), sends, then stamps sold_notice_sent_at; a failed send pushes notice_due_at out
-- by a backoff instead. NULL notice_due_at means "due now", so the settlement never writes these
-- columns. Nullable columns and constant defaults: no table rewrite.
ALTER TABLE resale_listings
  ADD COLUMN sold_notice_sent_at timestamptz,
  ADD COLUMN notice_due_at       timestamptz,
  ADD COLUMN notice_attempts     integer NOT NULL DEFAULT 0,
  ADD COLUMN notice_last_error   text;

-- Listings sold before the notice existed are not mailed now: stamped as if sent at the migration.
UPDATE resale_listings SET sold_notice_sent_at = now() WHERE status = 'sold';

-- The sweep's work list: only sold listings whose seller was not told yet, by when each is due.
CREATE INDEX resale_listings_notice_due ON resale_listings ((COALESCE(notice_due_at, '-infinity'::timestamptz)))
  WHERE status = 'sold' AND sold_notice_sent_at IS NULL;

-- Down Migration
DROP INDEX resale_listings_notice_due;
ALTER TABLE resale_listings
  DROP COLUMN notice_last_error,
  DROP COLUMN notice_attempts,
  DROP COLUMN notice_due_at,
  DROP COLUMN sold_notice_sent_at;
