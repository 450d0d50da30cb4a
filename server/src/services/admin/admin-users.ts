// Admin accounts: passwords are hashed here (passwords.ts) before the repository stores them
// (adapters/postgres/admin-users-repo.ts holds the SQL).
import type { AdminRole } from "@stampede/shared/roles";
import type { AdminUser, AdminUsersRepo } from "../../adapters/postgres/admin-users-repo.js";
import { hashPassword } from "./passwords.js";

export class AdminUsers {
  constructor(private readonly repo: AdminUsersRepo) {}

  findByUsername(username: string): Promise<AdminUser | null> {
    return this.repo.findByUsername(username);
  }

  findById(id: string): Promise<AdminUser | null> {
    return this.repo.findById(id);
  }

  list(): Promise<AdminUser[]> {
    return this.repo.list();
  }

  /** Creates a user; returns null when the username is taken. */
  async create(username: string, password: string, role: AdminRole): Promise<AdminUser | null> {
    return this.repo.create(username, await hashPassword(password), role);
  }

  /** The bootstrap admin from ADMIN_USER/ADMIN_PASSWORD: created, or its password and role reset
   * to what the environment says, so the configured credentials always work. */
  async bootstrap(username: string, password: string): Promise<void> {
    await this.repo.bootstrap(username, await hashPassword(password));
  }
}
