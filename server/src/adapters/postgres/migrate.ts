// Applies pending migrations (plain SQL files in server/src/migrations) with node-pg-migrate.
// Its advisory lock in "wait" mode makes concurrent starts safe: one migrates, the others wait
// and then find nothing left to do.
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import pg from "pg";

export const migrationsDir = fileURLToPath(new URL("../../migrations", import.meta.url));

export async function migrate(databaseUrl: string): Promise<string[]> {
  // Our own client, listened to: node-pg-migrate's would have no "error" listener, so a backend
  // terminated (or a database restarted) while a process starts — waiting on the migration lock,
  // say — would end the process with an unhandled "error" event instead of failing this call.
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: "up",
      migrationsTable: "pgmigrations",
      advisoryLockMode: "wait",
      checkOrder: true,
      log: () => {},
    });
    return applied.map((m) => m.name);
  } finally {
    await client.end().catch(() => {});
  }
}
