-- Up Migration
-- MockPay, the simulated payment provider. It shares the database but never the shop's tables:
-- it talks to the shop only through the redirect and the signed webhook, as a real provider would.
-- mockpay_events is its outbox: an event row is written in the same transaction as the change it
-- reports, and stays undelivered (delivered_at NULL) until the shop has answered 2xx once.
CREATE TABLE mockpay_sessions (
  id            text PRIMARY KEY CHECK (id ~ '^ps_[0-9a-f]{32}$'),
  -- One session per order: a retried createSession returns the first one.
  order_id      text NOT NULL UNIQUE,
  amount_cents  bigint NOT NULL CHECK (amount_cents >= 0),
  currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  description   text NOT NULL,
  return_url    text NOT NULL,
  webhook_url   text NOT NULL,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'succeeded', 'failed', 'canceled')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  completed_at  timestamptz,
  CHECK ((status = 'open') = (completed_at IS NULL))
);

CREATE TABLE mockpay_events (
  id            text PRIMARY KEY CHECK (id ~ '^evt_[0-9a-f]{32}$'),
  session_id    text NOT NULL REFERENCES mockpay_sessions (id),
  type          text NOT NULL CHECK (type IN ('payment.succeeded', 'payment.failed', 'payment.canceled', 'refund.succeeded')),
  -- The webhook body (id, type, created, data) as sent.
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  delivered_at  timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text
);
-- A session completes once and is refunded at most once: at most one event of each type.
CREATE UNIQUE INDEX mockpay_events_session_type ON mockpay_events (session_id, type);
-- The relay looks for undelivered events, oldest first.
CREATE INDEX mockpay_events_undelivered ON mockpay_events (created_at) WHERE delivered_at IS NULL;

CREATE TABLE mockpay_refunds (
  id            text PRIMARY KEY CHECK (id ~ '^re_[0-9a-f]{32}$'),
  -- Refunds are in full, so one per session; a retried refund returns the first.
  session_id    text NOT NULL UNIQUE REFERENCES mockpay_sessions (id),
  amount_cents  bigint NOT NULL CHECK (amount_cents >= 0),
  reason        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE mockpay_refunds;
DROP TABLE mockpay_events;
DROP TABLE mockpay_sessions;
