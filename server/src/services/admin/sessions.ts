// Admin sessions in Redis. The cookie carries a random id; Redis stores only its SHA-256, so a
// copy of Redis does not hand out live sessions. Each session has its own CSRF token.
import { createHash, randomBytes } from "node:crypto";
import { adminSessionTtlSeconds } from "@stampede/shared/limits";
import type { AdminRole } from "@stampede/shared/roles";
import { redisKey, type Redis } from "../../adapters/redis/connection.js";

export interface AdminSession {
  adminId: string;
  username: string;
  role: AdminRole;
  csrfToken: string;
}

export class AdminSessions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(sessionId: string): string {
    return redisKey(this.prefix, "admin-session", createHash("sha256").update(sessionId).digest("hex"));
  }

  async create(admin: {
    id: string;
    username: string;
    role: AdminRole;
  }): Promise<{ sessionId: string; session: AdminSession }> {
    const sessionId = randomBytes(32).toString("base64url");
    const session: AdminSession = {
      adminId: admin.id,
      username: admin.username,
      role: admin.role,
      csrfToken: randomBytes(24).toString("base64url"),
    };
    await this.redis.set(this.key(sessionId), JSON.stringify(session), "EX", adminSessionTtlSeconds);
    return { sessionId, session };
  }

  /** Reads a session and slides its expiry. */
  async get(sessionId: string): Promise<AdminSession | null> {
    const raw = await this.redis.getex(this.key(sessionId), "EX", adminSessionTtlSeconds);
    return raw ? (JSON.parse(raw) as AdminSession) : null;
  }

  async destroy(sessionId: string): Promise<void> {
    await this.redis.del(this.key(sessionId));
  }
}
