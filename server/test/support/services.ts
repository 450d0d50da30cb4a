// Test isolation against the real services: each test file gets its own PostgreSQL database
// (created, migrated, dropped) and its own Redis key prefix. Never used by production code.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { dropDatabase, ensureDatabase } from "../../src/adapters/postgres/database.js";
import { migrate } from "../../src/adapters/postgres/migrate.js";
import { createRedis, isCluster, type Redis } from "../../src/adapters/redis/connection.js";

export const testPostgresBase = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database, migrated unless told otherwise; on the shared cluster unless given another (base). */
export async function createTestDatabase(options: { migrate?: boolean; base?: string } = {}): Promise<TestDatabase> {
  const url = new URL(options.base ?? testPostgresBase);
  url.pathname = `/stampede_test_${uniqueSuffix()}`;
  const dbUrl = url.toString();
  await ensureDatabase(dbUrl);
  if (options.migrate !== false) await migrate(dbUrl);
  return { url: dbUrl, drop: () => dropDatabase(dbUrl) };
}

/**
 * A plain pool on a test database, for a test's own queries. It listens for errors: pool.end()
 * resolves before its clients have closed, and dropping the database (WITH FORCE) may then end one
 * of them from the server's side; without a listener that error would be thrown from nowhere.
 */
export function testPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on("error", () => {});
  return pool;
}

export interface TestRedis {
  url: string;
  prefix: string;
  client: Redis;
  /** Deletes every key under this test's prefix and closes the client. */
  cleanup(): Promise<void>;
}

/** A fresh key prefix on the shared Redis, or on the Redis (a cluster: redis-cluster.ts) at url. */
export async function createTestRedis(url = testRedisUrl): Promise<TestRedis> {
  const prefix = `stampede_test_${uniqueSuffix()}`;
  const client = createRedis(url, "app");
  return {
    url,
    prefix,
    client,
    async cleanup() {
      await deleteKeysUnder(client, prefix);
      client.disconnect();
    },
  };
}

/** The keys matching pattern. SCAN sees one server's keys: on a cluster, each master is scanned —
 * but not one whose connection is down: a master a test killed (its slots are its replica's now,
 * scanned as a master too) is still listed until the client's slot map catches up. */
export async function keysMatching(client: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  const nodes = isCluster(client) ? client.nodes("master").filter((n) => n.status === "ready") : [client];
  for (const node of nodes) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 500);
      cursor = next;
      found.push(...keys);
    } while (cursor !== "0");
  }
  return found;
}

/** One DEL per key: a cluster refuses a DEL of keys in different slots. */
async function deleteKeysUnder(client: Redis, prefix: string): Promise<void> {
  const keys = await keysMatching(client, `${prefix}*`);
  for (let i = 0; i < keys.length; i += 500) await Promise.all(keys.slice(i, i + 500).map((k) => client.del(k)));
}

/** A TCP port on which nothing listens (to test a dependency that is down). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A response body for assertions. Tests read loosely typed JSON; the assertions are the types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(res: Response): Promise<any> {
  return res.json();
}
