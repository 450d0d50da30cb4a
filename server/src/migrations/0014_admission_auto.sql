-- Up Migration
-- Self-tuning admission: `auto` steers the rate from the checkout's health between a floor and a
-- ceiling (starting at wr_admit_per_minute); `manual` admits at wr_admit_per_minute as before.
-- Events created before this keep their fixed rate.
ALTER TABLE events
  ADD COLUMN wr_admission text NOT NULL DEFAULT 'manual' CHECK (wr_admission IN ('auto', 'manual')),
  ADD COLUMN wr_admit_floor integer NOT NULL DEFAULT 60 CHECK (wr_admit_floor >= 1),
  ADD COLUMN wr_admit_ceiling integer NOT NULL DEFAULT 60000 CHECK (wr_admit_ceiling >= 1),
  ADD CONSTRAINT events_admit_floor_below_ceiling CHECK (wr_admit_floor <= wr_admit_ceiling);

-- Down Migration
ALTER TABLE events DROP CONSTRAINT events_admit_floor_below_ceiling,
  DROP COLUMN wr_admit_ceiling, DROP COLUMN wr_admit_floor, DROP COLUMN wr_admission;
