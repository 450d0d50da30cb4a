-- Up Migration
-- Presale and promo codes. A code's uses live in the ledger (an account funded with its uses; each
-- order placed with it holds one use, linked with the hold's tickets, so uses are checked in the
-- same step as the stock); this table says what a code is. A presale code opens the event's
-- presale window (until event_presales.ends_at only fans with one may hold); a promo code takes
-- percent_off off one tier (tier_id) or every tier. Codes are unique across events, so one typed
-- on the wrong event is told so.
CREATE TABLE event_codes (
  id          uuid PRIMARY KEY,
  event_id    uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-Z]{4,32}$'),
  kind        text NOT NULL CHECK (kind IN ('presale', 'promo')),
  uses        integer NOT NULL CHECK (uses BETWEEN 1 AND 100000),
  percent_off integer CHECK (percent_off BETWEEN 1 AND 100),
  tier_id     uuid,
  valid_from  timestamptz,
  valid_until timestamptz,
  batch_id    uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'promo') = (percent_off IS NOT NULL)),
  CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from < valid_until)
);
CREATE INDEX event_codes_event ON event_codes (event_id, created_at, id);

-- The presale window: from the sale's opening until ends_at, a hold needs a presale code.
CREATE TABLE event_presales (
  event_id   uuid PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  ends_at    timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The code an order was placed with (its use is a linked transfer of the order's hold).
ALTER TABLE orders ADD COLUMN code_id uuid REFERENCES event_codes (id);
ALTER TABLE orders ADD COLUMN code text;

-- Down Migration
ALTER TABLE orders DROP COLUMN code;
ALTER TABLE orders DROP COLUMN code_id;
DROP TABLE event_presales;
DROP TABLE event_codes;
