// Admin accounts in PostgreSQL. Passwords arrive hashed (services/admin/admin-users.ts hashes them).
import { uuidv7 } from "@stampede/shared/ids";
import type { AdminRole } from "@stampede/shared/roles";
import type { Pool } from "./pool.js";

export interface AdminUser {
  id: string;
  username: string;
  role: AdminRole;
  passwordHash: string;
  createdAt: string;
}

interface Row {
  id: string;
  username: string;
  role: AdminRole;
  password_hash: string;
  created_at: Date;
}

const toUser = (r: Row): AdminUser => ({
  id: r.id,
  username: r.username,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at.toISOString(),
});

export class AdminUsersRepo {
  constructor(private readonly pool: Pool) {}

  async findByUsername(username: string): Promise<AdminUser | null> {
    const { rows } = await this.pool.query<Row>("SELECT * FROM admin_users WHERE username = $1", [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findById(id: string): Promise<AdminUser | null> {
    const { rows } = await this.pool.query<Row>("SELECT * FROM admin_users WHERE id = $1", [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async list(): Promise<AdminUser[]> {
    const { rows } = await this.pool.query<Row>("SELECT * FROM admin_users ORDER BY username");
    return rows.map(toUser);
  }

  /** Creates a user; returns null when the username is taken. */
  async create(username: string, passwordHash: string, role: AdminRole): Promise<AdminUser | null> {
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO admin_users (id, username, password_hash, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING RETURNING *`,
      [uuidv7(), username, passwordHash, role],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** The bootstrap admin from ADMIN_USER/ADMIN_PASSWORD: created, or its password and role reset
   * to what the environment says, so the configured credentials always work. */
  async bootstrap(username: string, passwordHash: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO admin_users (id, username, password_hash, role) VALUES ($1, $2, $3, 'admin')
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = 'admin', updated_at = now()`,
      [uuidv7(), username, passwordHash],
    );
  }
}
