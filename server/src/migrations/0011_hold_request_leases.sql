-- Up Migration
-- A claimed Idempotency-Key carries the order id its request places and a lease. A request that
-- died (kill -9) or failed ambiguously (the ledger did not answer; the hold may be in place)
-- leaves the key in progress until its lease runs out; a retry with the same key then takes the
-- claim over and places the same order id again, which the ledger answers with `exists`: one
-- hold, one order, whatever happened. Old keys are pruned by the workers' sweeper.
ALTER TABLE hold_requests
  ADD COLUMN order_id uuid,
  ADD COLUMN lease_until timestamptz NOT NULL DEFAULT '-infinity';
CREATE INDEX hold_requests_created ON hold_requests (created_at);

-- Down Migration
DROP INDEX hold_requests_created;
ALTER TABLE hold_requests DROP COLUMN lease_until, DROP COLUMN order_id;
