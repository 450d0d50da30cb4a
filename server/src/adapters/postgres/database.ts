// Creates the application database when it is missing. Several processes may start at once, so
// the check-and-create runs under an advisory lock on the maintenance database.
import pg from "pg";

const createDatabaseLockKey = 0x5354_4d50; // "STMP"

export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`unsupported database name in DATABASE_URL: "${name}"`);
  return name;
}

function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return url.toString();
}

async function withMaintenanceClient<T>(databaseUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl), connectionTimeoutMillis: 5_000 });
  // A connection lost between queries fails the next query; unheard, it would end the process.
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Returns true when the database was created by this call. */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  return withMaintenanceClient(databaseUrl, async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [createDatabaseLockKey]);
    try {
      const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (found.rowCount) return false;
      await client.query(`CREATE DATABASE "${name}"`);
      return true;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [createDatabaseLockKey]);
    }
  });
}

/** Drops a database (tests only create and drop their own). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withMaintenanceClient(databaseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
