-- Up Migration
-- The waiting room's counters, saved by the ticker each tick they change, so a room the store
-- lost (a Redis restart without persistence, a flush) is rebuilt where it was: numbers keep
-- growing past those already handed out, and the cursor keeps admitted numbers admitted.
-- Values only grow (a late write of an older tick never lowers them); the phase only moves on.
CREATE TABLE waiting_room_checkpoints (
  event_id       uuid PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  served_up_to   bigint NOT NULL CHECK (served_up_to >= 0),
  last_number    bigint NOT NULL CHECK (last_number >= 0),
  admitted_total bigint NOT NULL CHECK (admitted_total >= 0),
  phase          text NOT NULL CHECK (phase IN ('pre', 'opening', 'open')),
  saved_at       timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE waiting_room_checkpoints;
