// Admin sign-in below HTTP: the admin services the guards and routes are given, and the password
// check (slowed per address and username) that the login route and HTTP Basic both use.
import type { AdminUsers } from "./admin-users.js";
import type { AdminAudit } from "../../adapters/postgres/admin-audit-repo.js";
import type { LoginLimiter } from "./login-limiter.js";
import { decoyHash, verifyPassword } from "./passwords.js";
import type { AdminSessions } from "./sessions.js";

export interface AdminAuthDeps {
  users: AdminUsers;
  sessions: AdminSessions;
  limiter: LoginLimiter;
  audit: AdminAudit;
}

/** Checks a username and password (rate-limited); used by the login route and by Basic auth. */
export async function verifyCredentials(deps: AdminAuthDeps, ip: string, username: string, password: string) {
  await deps.limiter.assertAllowed(ip, username);
  const user = await deps.users.findByUsername(username);
  const ok = await verifyPassword(password, user?.passwordHash ?? decoyHash);
  if (!user || !ok) {
    await deps.limiter.recordFailure(ip, username);
    return null;
  }
  await deps.limiter.recordSuccess(ip, username);
  return user;
}
