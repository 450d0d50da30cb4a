-- Up Migration
-- Events, their ticket classes (tiers) and perks. Stock itself lives in the ledger; these rows
-- describe what the ledger accounts stand for. Every event gets its own ledger number (u32 in
-- TigerBeetle), taken from a sequence.
CREATE SEQUENCE event_ledger_seq START 1 MAXVALUE 4294967295;

CREATE TABLE events (
  id                      uuid PRIMARY KEY,
  slug                    text NOT NULL UNIQUE,
  name                    text NOT NULL,
  venue                   text NOT NULL DEFAULT '',
  starts_at               timestamptz,
  status                  text NOT NULL DEFAULT 'draft'
                          CHECK (status IN ('draft', 'scheduled', 'on_sale', 'paused', 'sold_out', 'closed', 'cancelled')),
  ledger                  bigint NOT NULL UNIQUE DEFAULT nextval('event_ledger_seq'),
  wr_mode                 text NOT NULL DEFAULT 'fifo' CHECK (wr_mode IN ('fifo', 'lottery')),
  wr_opens_at             timestamptz,
  wr_admit_per_minute     integer NOT NULL DEFAULT 600 CHECK (wr_admit_per_minute > 0),
  wr_max_active_checkouts integer NOT NULL DEFAULT 200 CHECK (wr_max_active_checkouts > 0),
  wr_admission_ttl_seconds integer NOT NULL DEFAULT 600 CHECK (wr_admission_ttl_seconds > 0),
  wr_hold_seconds         integer NOT NULL DEFAULT 300 CHECK (wr_hold_seconds BETWEEN 5 AND 3600),
  wr_per_fan_max          integer NOT NULL DEFAULT 6 CHECK (wr_per_fan_max > 0),
  wr_end_admission_on_paid boolean NOT NULL DEFAULT true,
  -- Set once the event's ledger accounts exist and are funded (set-up is re-run until then).
  ledger_ready            boolean NOT NULL DEFAULT false,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_status ON events (status);

CREATE TABLE ticket_classes (
  id            uuid PRIMARY KEY,
  event_id      uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  position      integer NOT NULL,
  code          text NOT NULL,
  name          text NOT NULL,
  price_cents   bigint NOT NULL CHECK (price_cents >= 0),
  currency      char(3) NOT NULL,
  capacity      integer NOT NULL CHECK (capacity > 0),
  per_order_max integer NOT NULL CHECK (per_order_max > 0),
  UNIQUE (event_id, code),
  UNIQUE (event_id, position)
);

CREATE TABLE perks (
  id        uuid PRIMARY KEY,
  event_id  uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  code      text NOT NULL,
  name      text NOT NULL,
  capacity  integer NOT NULL CHECK (capacity > 0),
  UNIQUE (event_id, code)
);

-- Down Migration
DROP TABLE perks;
DROP TABLE ticket_classes;
DROP TABLE events;
DROP SEQUENCE event_ledger_seq;
