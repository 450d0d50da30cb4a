// Fan accounts, their linked fan ids and their sessions (migration 0022; their emailed links:
// account-links-repo.ts). Passwords arrive hashed
// and session ids as their SHA-256 (services/accounts/accounts.ts); emails as given and as their key
// (lower case), which is what makes one address one account.
import { uuidv7 } from "@stampede/shared/ids";
import type { Pool } from "./pool.js";

export interface AccountRecord {
  id: string;
  email: string;
  passwordHash: string;
  fanId: string;
  verifiedAt: Date | null;
}

interface Row {
  id: string;
  email: string;
  password_hash: string;
  fan_id: string;
  verified_at: Date | null;
}

const toRecord = (r: Row): AccountRecord => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  fanId: r.fan_id,
  verifiedAt: r.verified_at,
});

const uniqueViolation = (err: unknown) => (err as { code?: string }).code === "23505";

export class AccountsRepo {
  constructor(private readonly pool: Pool) {}

  /** A new account with its fan id linked; null when the email (or the fan id) belongs to another. */
  async create(input: {
    email: string;
    emailKey: string;
    passwordHash: string;
    fanId: string;
  }): Promise<AccountRecord | null> {
    const id = uuidv7();
    try {
      const { rows } = await this.pool.query<Row>(
        `WITH account AS (
           INSERT INTO accounts (id, email, email_key, password_hash, fan_id) VALUES ($1, $2, $3, $4, $5) RETURNING *
         ), linked AS (
           INSERT INTO account_fans (fan_id, account_id) SELECT fan_id, id FROM account
         )
         SELECT * FROM account`,
        [id, input.email, input.emailKey, input.passwordHash, input.fanId],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    } catch (err) {
      if (uniqueViolation(err)) return null;
      throw err;
    }
  }

  async findByEmailKey(emailKey: string): Promise<AccountRecord | null> {
    const { rows } = await this.pool.query<Row>("SELECT * FROM accounts WHERE email_key = $1", [emailKey]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Whether this fan id is linked to any account already (a new account then gets a fresh one). */
  async fanLinked(fanId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query("SELECT 1 FROM account_fans WHERE fan_id = $1", [fanId]);
    return (rowCount ?? 0) > 0;
  }

  /** Links a browser's fan id to the account (its guest orders become the account's); a fan id linked
   * to another account already stays with it. */
  async linkFan(accountId: string, fanId: string): Promise<void> {
    await this.pool.query(
      "INSERT INTO account_fans (fan_id, account_id) VALUES ($1, $2) ON CONFLICT (fan_id) DO NOTHING",
      [fanId, accountId],
    );
  }

  async fanIds(accountId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ fan_id: string }>(
      "SELECT fan_id FROM account_fans WHERE account_id = $1 ORDER BY linked_at",
      [accountId],
    );
    return rows.map((r) => r.fan_id);
  }

  async findById(id: string): Promise<AccountRecord | null> {
    const { rows } = await this.pool.query<Row>("SELECT * FROM accounts WHERE id = $1", [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Marks the address verified (the first time only); the account. */
  async markVerified(id: string): Promise<AccountRecord | null> {
    const { rows } = await this.pool.query<Row>(
      "UPDATE accounts SET verified_at = COALESCE(verified_at, now()) WHERE id = $1 RETURNING *",
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** A new password, and every session of the account ended (whoever had the old one is out). The
   * emailed link proved the address, so it counts as verified too. */
  async resetPassword(id: string, passwordHash: string): Promise<AccountRecord | null> {
    const { rows } = await this.pool.query<Row>(
      `WITH ended AS (DELETE FROM account_sessions WHERE account_id = $1)
       UPDATE accounts SET password_hash = $2, verified_at = COALESCE(verified_at, now()) WHERE id = $1 RETURNING *`,
      [id, passwordHash],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async createSession(idHash: string, accountId: string, expiresAt: Date): Promise<void> {
    await this.pool.query("INSERT INTO account_sessions (id_hash, account_id, expires_at) VALUES ($1, $2, $3)", [
      idHash,
      accountId,
      expiresAt,
    ]);
  }

  /** The account of a live session (not expired); null otherwise. */
  async sessionAccount(idHash: string): Promise<AccountRecord | null> {
    const { rows } = await this.pool.query<Row>(
      `SELECT a.* FROM account_sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.id_hash = $1 AND s.expires_at > now()`,
      [idHash],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.pool.query("DELETE FROM account_sessions WHERE id_hash = $1", [idHash]);
  }
}
