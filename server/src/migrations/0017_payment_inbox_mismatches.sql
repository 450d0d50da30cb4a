-- Up Migration
-- The admin dashboard reads an event's payments recorded as amount_mismatch once a second while it
-- is open. Such rows are rare and never change afterwards, so a partial index keeps that read to a
-- handful of entries instead of a scan of every payment the shop has received.
CREATE INDEX payment_inbox_amount_mismatch ON payment_inbox (order_id) WHERE outcome = 'amount_mismatch';

-- Down Migration
DROP INDEX payment_inbox_amount_mismatch;
