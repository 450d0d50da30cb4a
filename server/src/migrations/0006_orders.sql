-- Up Migration
-- Orders (one ledger hold each), the shop's payment inbox (one row per provider event id: a
-- duplicate delivery is a no-op), idempotent hold requests, tickets and granted perks.
CREATE TABLE orders (
  id                 uuid PRIMARY KEY,
  event_id           uuid NOT NULL REFERENCES events (id),
  fan_id             uuid NOT NULL,
  email              text NOT NULL,
  status             text NOT NULL CHECK (status IN ('held', 'paid', 'expired', 'cancelled', 'payment_failed', 'refunded')),
  -- The admission (checkout session) this order was placed under: one active hold per admission.
  admission_jti      text NOT NULL,
  -- The ledger hold that backs the order now (a late payment re-books under a new one).
  hold_id            uuid NOT NULL,
  items              jsonb NOT NULL,
  total_cents        bigint NOT NULL,
  currency           char(3) NOT NULL,
  order_token_hash   text NOT NULL,
  payment_session_id text,
  payment_url        text,
  expires_at         timestamptz NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  paid_at            timestamptz,
  refunded_at        timestamptz,
  status_reason      text
);
CREATE UNIQUE INDEX orders_one_active_hold_per_admission ON orders (admission_jti) WHERE status = 'held';
CREATE INDEX orders_event_status ON orders (event_id, status);
CREATE INDEX orders_held_expiry ON orders (expires_at) WHERE status = 'held';
CREATE INDEX orders_fan ON orders (fan_id);
CREATE INDEX orders_email ON orders (lower(email));
CREATE UNIQUE INDEX orders_payment_session ON orders (payment_session_id);

CREATE TABLE hold_requests (
  fan_id        uuid NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status        integer NOT NULL,
  response      jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (fan_id, key)
);

CREATE TABLE payment_inbox (
  event_id     text PRIMARY KEY,
  type         text NOT NULL,
  order_id     uuid,
  session_id   text,
  outcome      text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tickets (
  id             uuid PRIMARY KEY,
  order_id       uuid NOT NULL REFERENCES orders (id),
  event_id       uuid NOT NULL REFERENCES events (id),
  class_id       uuid NOT NULL,
  class_code     text NOT NULL,
  code           text NOT NULL UNIQUE,
  issued_at      timestamptz NOT NULL DEFAULT now(),
  voided_at      timestamptz,
  checked_in_at  timestamptz,
  checked_in_by  text
);
CREATE INDEX tickets_order ON tickets (order_id);

CREATE TABLE order_perks (
  order_id   uuid NOT NULL REFERENCES orders (id),
  perk_id    uuid NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, perk_id)
);

-- Down Migration
DROP TABLE order_perks;
DROP TABLE tickets;
DROP TABLE payment_inbox;
DROP TABLE hold_requests;
DROP TABLE orders;
