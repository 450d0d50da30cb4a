-- Up Migration
-- How much of its session a refund intent gives back: NULL is the whole session (every intent
-- before partial refunds); a number is a partial refund — the order's total less the face value of
-- its tickets that were resold (their buyers hold those seats, and the seller was paid for them).
-- 0 when every ticket was resold: nothing goes back, the provider is not asked.
ALTER TABLE refund_intents ADD COLUMN amount_cents bigint CHECK (amount_cents >= 0);

-- Down Migration
ALTER TABLE refund_intents DROP COLUMN amount_cents;
