// Fan accounts' emailed links (migration 0023): created by the server (sign-up, a reset request),
// used once by their owner, and mailed by the workers' sweep, which claims due rows under a lease
// (SKIP LOCKED, like order-emails-repo.ts) so two workers processes do not send one link twice.
import type { AccountLinkPurpose } from "@stampede/shared/core/account-links";
import type { Pool } from "./pool.js";

export interface NewAccountLink {
  id: string;
  tokenHash: string;
  accountId: string;
  purpose: AccountLinkPurpose;
  expiresAt: Date;
}

export interface ClaimedAccountLink {
  linkId: string;
  purpose: AccountLinkPurpose;
  email: string;
  attempts: number;
  /** Past its expiry already: not worth sending. */
  expired: boolean;
}

const claimSql = `WITH due AS (
    SELECT id FROM account_links WHERE mail_sent_at IS NULL AND mail_due_at <= now()
    ORDER BY mail_due_at LIMIT $1 FOR UPDATE SKIP LOCKED
  )
  UPDATE account_links l SET mail_due_at = now() + make_interval(secs => $2::double precision / 1000)
  FROM due, accounts a WHERE l.id = due.id AND a.id = l.account_id
  RETURNING l.id, l.purpose, a.email, l.mail_attempts, l.expires_at <= now() AS expired`;

export class AccountLinksRepo {
  constructor(private readonly pool: Pool) {}

  async create(link: NewAccountLink): Promise<void> {
    await this.pool.query(
      "INSERT INTO account_links (id, token_hash, account_id, purpose, expires_at) VALUES ($1, $2, $3, $4, $5)",
      [link.id, link.tokenHash, link.accountId, link.purpose, link.expiresAt],
    );
  }

  /** Whether a link of this purpose was made for the account within the last `seconds`. */
  async madeWithin(accountId: string, purpose: AccountLinkPurpose, seconds: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM account_links WHERE account_id = $1 AND purpose = $2
         AND created_at > now() - make_interval(secs => $3) LIMIT 1`,
      [accountId, purpose, seconds],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Uses the link (once, before it expires); its account id, or null when it is unknown, used or expired. */
  async use(tokenHash: string, purpose: AccountLinkPurpose): Promise<string | null> {
    const { rows } = await this.pool.query<{ account_id: string }>(
      `UPDATE account_links SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING account_id`,
      [tokenHash, purpose],
    );
    return rows[0]?.account_id ?? null;
  }

  /** Claims up to `limit` links owing their email, oldest due first, for `leaseMs`. */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedAccountLink[]> {
    const { rows } = await this.pool.query<{
      id: string;
      purpose: AccountLinkPurpose;
      email: string;
      mail_attempts: number;
      expired: boolean;
    }>(claimSql, [limit, leaseMs]);
    return rows.map((r) => ({
      linkId: r.id,
      purpose: r.purpose,
      email: r.email,
      attempts: r.mail_attempts,
      expired: r.expired,
    }));
  }

  async markSent(linkId: string, note: string | null = null): Promise<void> {
    await this.pool.query("UPDATE account_links SET mail_sent_at = now(), mail_last_error = $2 WHERE id = $1", [
      linkId,
      note,
    ]);
  }

  async markFailed(linkId: string, error: string, retryInMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE account_links SET mail_attempts = mail_attempts + 1, mail_last_error = left($2, 500),
         mail_due_at = now() + make_interval(secs => $3::double precision / 1000) WHERE id = $1`,
      [linkId, error, retryInMs],
    );
  }
}
