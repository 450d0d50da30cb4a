-- Up Migration
-- Admin users (passwords hashed with scrypt) and the audit log of every admin action.
CREATE TABLE admin_users (
  id            uuid PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'viewer', 'scanner')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE admin_audit (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  admin_id    uuid REFERENCES admin_users (id) ON DELETE SET NULL,
  username    text,
  action      text NOT NULL,
  target      text,
  status      integer NOT NULL,
  request_id  text,
  ip          text
);
CREATE INDEX admin_audit_at ON admin_audit (at DESC);

-- Down Migration
DROP TABLE admin_audit;
DROP TABLE admin_users;
