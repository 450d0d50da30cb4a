-- Up Migration
-- The fairness audit's record: one row per (event, fan) with the queue number the fan was
-- admitted under (or last held), and when they joined, were admitted and left the line. Written in
-- batches off the hot path (services/waiting-room/admission-recorder.ts): a node that crashes loses
-- at most its last second of facts. Outcomes (bought, held, left, never admitted) are read at
-- report time from the orders, so nothing here has to follow a payment.
CREATE TABLE admission_records (
  event_id     uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  fan_id       uuid NOT NULL,
  queue_number bigint CHECK (queue_number > 0),
  joined_at    timestamptz,
  admitted_at  timestamptz,
  left_at      timestamptz,
  PRIMARY KEY (event_id, fan_id)
);

-- Down Migration
DROP TABLE admission_records;
