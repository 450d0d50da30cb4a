-- Up Migration
-- The verifiable lottery: the seed's hash is published when the pre-queue opens; the seed and the
-- drawn order are kept so anyone can recompute the order after the draw.
ALTER TABLE events
  ADD COLUMN lottery_seed      text,
  ADD COLUMN lottery_seed_hash text,
  ADD COLUMN lottery_drawn_at  timestamptz;

CREATE TABLE lottery_draws (
  event_id  uuid    NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  position  integer NOT NULL,
  fan_id    uuid    NOT NULL,
  PRIMARY KEY (event_id, position)
);

-- Down Migration
DROP TABLE lottery_draws;
ALTER TABLE events DROP COLUMN lottery_seed, DROP COLUMN lottery_seed_hash, DROP COLUMN lottery_drawn_at;
