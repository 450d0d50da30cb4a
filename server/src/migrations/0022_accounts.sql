-- Up Migration
-- Fan accounts (optional: guest checkout stays the default). An account has an email (unique
-- whatever its case), an argon2id password hash and, once its link is followed, verified_at. Its
-- fan_id is the fan identity every signed-in device takes, so the queue place and the per-fan
-- allowance (both keyed by fan id) follow the account across devices; account_fans keeps every fan
-- id that ever signed in to it, so "My tickets" lists the orders a browser placed as a guest before.
-- Sessions: the cookie carries a random id, the table only its SHA-256 (a copy of the table hands
-- out no live session).
CREATE TABLE accounts (
  id            uuid PRIMARY KEY,
  email         text NOT NULL,
  email_key     text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  fan_id        uuid NOT NULL UNIQUE,
  verified_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE account_fans (
  fan_id     uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  linked_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_fans_account ON account_fans (account_id);

CREATE TABLE account_sessions (
  id_hash    text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX account_sessions_account ON account_sessions (account_id);

-- Down Migration
DROP TABLE account_sessions;
DROP TABLE account_fans;
DROP TABLE accounts;
