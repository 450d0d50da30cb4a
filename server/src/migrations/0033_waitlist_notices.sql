-- Up Migration
-- The waiting list's "a ticket came back for you" emails: one row per offer made to a signed-in fan
-- (a fan whose id belongs to an account), written by the ticker that made the offer and sent by
-- the workers' waitlist-notices sweep, never on the admission path. As with the resale notices
-- (0026), the sweep claims a few at a time by pushing due_at into the future (a lease), sends,
-- then stamps sent_at; a failed send pushes due_at out by a backoff instead. The list itself is in
-- Redis beside the waiting room (its order is the room's line).
CREATE TABLE waitlist_notices (
  event_id       uuid        NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  fan_id         uuid        NOT NULL,
  admission_jti  text        NOT NULL,
  claim_deadline timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  due_at         timestamptz NOT NULL DEFAULT now(),
  sent_at        timestamptz,
  attempts       integer     NOT NULL DEFAULT 0,
  last_error     text,
  PRIMARY KEY (event_id, fan_id, admission_jti)
);

-- The sweep's work list: notices not sent yet, by when each is due.
CREATE INDEX waitlist_notices_due ON waitlist_notices (due_at) WHERE sent_at IS NULL;

-- Down Migration
DROP TABLE waitlist_notices;
