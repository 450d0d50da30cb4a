// "Changed nothing", made checkable: a digest of every PostgreSQL table and of the Redis keys under
// a test's prefix, to compare before and after a refused request. Left out, by design, are the
// records of refusals themselves: admin_audit (refused admin writes are audit-logged), stored
// Idempotency-Key answers (a refused hold's answer is replayed to a repeat), and rate-limit
// counters (they count refusals); and admission_records, which each node writes about once a
// second from what its waiting room did before (the fairness audit's buffer): a flush may land
// between the two digests whatever the request did.
import type { Pool } from "../../src/adapters/postgres/pool.js";
import type { Redis } from "../../src/adapters/redis/connection.js";

const tablesLeftOut = new Set(["admin_audit", "admission_records", "hold_requests", "pgmigrations"]);
const redisLeftOut = /:rl:/;

export type Snapshot = Record<string, string>;

async function tables(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return rows.map((r) => r.name).filter((name) => !tablesLeftOut.has(name));
}

async function redisDigest(redis: Redis, prefix: string): Promise<Snapshot> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    keys.push(...batch.filter((k) => !redisLeftOut.test(k)));
  } while (cursor !== "0");
  const out: Snapshot = {};
  if (keys.length === 0) return out;
  // A key's type and size: enough to see a queue entry, a session, a job or a stream entry appear.
  const types = (await redis.pipeline(keys.map((k) => ["type", k])).exec()) ?? [];
  const sizeCommand: Record<string, string> = {
    zset: "zcard",
    set: "scard",
    hash: "hlen",
    list: "llen",
    stream: "xlen",
    string: "strlen",
  };
  const sizes =
    (await redis.pipeline(keys.map((k, i) => [sizeCommand[String(types[i]?.[1])] ?? "exists", k])).exec()) ?? [];
  keys.forEach(
    (k, i) => (out[`redis ${k.slice(prefix.length)}`] = `${String(types[i]?.[1])}/${String(sizes[i]?.[1])}`),
  );
  return out;
}

/** Table name → digest of its rows; Redis key → type/size. */
export async function snapshot(pool: Pool, redis: Redis, prefix: string): Promise<Snapshot> {
  const names = await tables(pool);
  const sql = names
    .map(
      (n) =>
        `SELECT '${n}' AS name, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${n}" x`,
    )
    .join(" UNION ALL ");
  const { rows } = await pool.query<{ name: string; n: number; h: string }>(sql);
  const out: Snapshot = Object.fromEntries(rows.map((r) => [r.name, `${r.n} rows ${r.h}`]));
  return { ...out, ...(await redisDigest(redis, prefix)) };
}

/** What differs between two snapshots (empty: nothing changed). */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((n) => before[n] !== after[n])
    .map((n) => `${n}: ${before[n] ?? "absent"} → ${after[n] ?? "absent"}`);
}
