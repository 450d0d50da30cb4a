-- Up Migration
-- Cancelling an event (POST /api/admin/events/:id/cancel): the cancellation — who, why, when —
-- and its work list, one row per order to refund, written in the same transaction as the event's
-- move to cancelled. The server nodes' cancellation sweep claims rows a few at a time by pushing
-- due_at into the future (a lease: another node skips them until it runs out), refunds each
-- order through the admin refund path (idempotent: an order already refunded stays as it is), and
-- stamps its outcome. An order paid after the cancel (a late payment) is added by the sweep.
CREATE TABLE event_cancellations (
  event_id    uuid PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  admin_id    uuid,
  username    text,
  reason      text NOT NULL DEFAULT '',
  started_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cancellation_refunds (
  order_id     uuid PRIMARY KEY REFERENCES orders (id),
  event_id     uuid NOT NULL REFERENCES event_cancellations (event_id) ON DELETE CASCADE,
  -- NULL: still to refund; 'refunded' or 'failed' once settled.
  outcome      text CHECK (outcome IN ('refunded', 'failed')),
  due_at       timestamptz NOT NULL DEFAULT now(),
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  settled_at   timestamptz
);
CREATE INDEX cancellation_refunds_due ON cancellation_refunds (due_at) WHERE outcome IS NULL;
CREATE INDEX cancellation_refunds_event ON cancellation_refunds (event_id);

-- Down Migration
DROP TABLE cancellation_refunds;
DROP TABLE event_cancellations;
