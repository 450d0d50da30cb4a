-- Up Migration
-- An event's bot defence at the waiting room's join (GET/PUT /api/admin/events/:eventId/bot-defence):
-- mode auto (a proof-of-work challenge raised when joins come too fast from one subnet or overall),
-- always, or off; the challenge's difficulty (ALTCHA maxnumber) and the auto mode's thresholds in
-- joins a minute. No row: auto with the defaults (services/waiting-room/join-challenge.ts).
CREATE TABLE event_bot_defence (
  event_id                uuid PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  mode                    text NOT NULL CHECK (mode IN ('auto', 'always', 'off')),
  difficulty              integer NOT NULL CHECK (difficulty BETWEEN 1000 AND 5000000),
  subnet_joins_per_minute integer NOT NULL CHECK (subnet_joins_per_minute >= 1),
  event_joins_per_minute  integer NOT NULL CHECK (event_joins_per_minute >= 1),
  updated_at              timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE event_bot_defence;
