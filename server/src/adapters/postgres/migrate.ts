// Applies pending migrations (plain SQL files in server/src/migrations) with node-pg-migrate.
// Its advisory lock in "wait" mode makes concurrent starts safe: one migrates, the others wait
// and then find nothing left to do.
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";

export const migrationsDir = fileURLToPath(new URL("../../migrations", import.meta.url));

export async function migrate(databaseUrl: string): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: "up",
    migrationsTable: "pgmigrations",
    advisoryLockMode: "wait",
    checkOrder: true,
    log: () => {},
  });
  return applied.map((m) => m.name);
}
