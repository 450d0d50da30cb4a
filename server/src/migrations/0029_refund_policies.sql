-- Up Migration
-- An event's refund window for fans (POST /api/orders/:id/refund): how many hours after paying a
-- fan may have the order refunded (0, or no row: fans cannot). Never after the event has started.
CREATE TABLE event_refund_policies (
  event_id            uuid PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  refund_window_hours integer NOT NULL CHECK (refund_window_hours BETWEEN 0 AND 8760),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE event_refund_policies;
