// Every admin action lands in admin_audit: who, what, on which target, with which outcome.
import type { Logger } from "pino";
import type { Pool } from "./pool.js";

export interface AuditEntry {
  adminId: string | null;
  username: string | null;
  action: string;
  target: string | null;
  status: number;
  requestId: string | null;
  ip: string | null;
}

export class AdminAudit {
  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {}

  /** Written after the response; a failure to write is logged loudly, never swallowed. */
  record(entry: AuditEntry): void {
    this.pool
      .query(
        `INSERT INTO admin_audit (admin_id, username, action, target, status, request_id, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [entry.adminId, entry.username, entry.action, entry.target, entry.status, entry.requestId, entry.ip],
      )
      .catch((err: unknown) => this.logger.error({ err, entry }, "admin audit write failed"));
  }

  async recent(limit: number): Promise<Array<AuditEntry & { at: string }>> {
    const { rows } = await this.pool.query(
      `SELECT at, admin_id, username, action, target, status, request_id, ip FROM admin_audit ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      at: (r.at as Date).toISOString(),
      adminId: r.admin_id,
      username: r.username,
      action: r.action,
      target: r.target,
      status: r.status,
      requestId: r.request_id,
      ip: r.ip,
    }));
  }
}
