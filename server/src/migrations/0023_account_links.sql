-- Up Migration
-- The emailed links of fan accounts: verify the address (at sign-up), reset the password (on
-- request). A link is single-use (used_at) and expires; only its token's SHA-256 is stored (the
-- token is derived from the id with SECRET_KEY: shared/src/core/account-links.ts). The row is also
-- its email's work item, as orders are for theirs (0018): the workers' sweep claims due rows by
-- pushing mail_due_at into the future (a lease), sends, stamps mail_sent_at; a failure backs off.
CREATE TABLE account_links (
  id              uuid PRIMARY KEY,
  token_hash      text NOT NULL UNIQUE,
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  purpose         text NOT NULL CHECK (purpose IN ('verify', 'reset')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  mail_sent_at    timestamptz,
  mail_due_at     timestamptz NOT NULL DEFAULT now(),
  mail_attempts   integer NOT NULL DEFAULT 0,
  mail_last_error text
);
CREATE INDEX account_links_account ON account_links (account_id, purpose, created_at);
CREATE INDEX account_links_mail_due ON account_links (mail_due_at) WHERE mail_sent_at IS NULL;

-- Down Migration
DROP TABLE account_links;
