-- Up Migration
-- A refund the shop has decided on, recorded in the same transaction as the order's move to
-- refunded; the provider call and the stock return run after that commit (never while a row lock
-- is held) and mark the row done. A row left pending (a crash, a provider outage) is re-run:
-- both effects are idempotent (the provider per session, the ledger return per order).
CREATE TABLE refund_intents (
  order_id      uuid PRIMARY KEY REFERENCES orders (id),
  session_id    text NOT NULL,
  reason        text NOT NULL,
  -- Whether the order's sold tickets go back to the pool (a paid order) or never were sold (a late payment with no stock).
  return_stock  boolean NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  done_at       timestamptz
);
CREATE INDEX refund_intents_pending ON refund_intents (created_at) WHERE done_at IS NULL;

-- Down Migration
DROP TABLE refund_intents;
