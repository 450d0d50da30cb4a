// Goal: every start command may create the database and migrate at the same time as others;
// migrations apply exactly once, whether run twice in a row or by several processes at once.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import pg from "pg";
import { createTestDatabase, testPostgresBase, uniqueSuffix } from "../../testing/services.js";
import { dropDatabase, ensureDatabase } from "./database.js";
import { migrate } from "./migrate.js";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  await client.end();
  return rows.map((r) => r.t);
}

function freshUrl(): string {
  const u = new URL(testPostgresBase);
  u.pathname = `/stampede_test_${uniqueSuffix()}`;
  return u.toString();
}

describe("migrations", () => {
  it("apply once; a second run finds nothing to do", async () => {
    const db = await createTestDatabase({ migrate: false });
    cleanups.push(db.drop);
    const first = await migrate(db.url);
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(await migrate(db.url)).toEqual([]);
    expect(await tables(db.url)).toEqual(expect.arrayContaining(["admin_users", "admin_audit", "events", "ticket_classes", "perks", "pgmigrations"]));
  });

  it("apply exactly once when several callers race in one process", async () => {
    const db = await createTestDatabase({ migrate: false });
    cleanups.push(db.drop);
    const results = await Promise.all([migrate(db.url), migrate(db.url), migrate(db.url), migrate(db.url)]);
    const applied = results.flat();
    expect(new Set(applied).size).toBe(applied.length);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
  });

  it("create the database and migrate safely from separate processes started together", async () => {
    const url = freshUrl();
    cleanups.push(() => dropDatabase(url));
    const script = `import { ensureDatabase } from "./server/src/adapters/postgres/database.ts";
      import { migrate } from "./server/src/adapters/postgres/migrate.ts";
      await ensureDatabase(process.env.DB_URL); console.log(JSON.stringify(await migrate(process.env.DB_URL)));`;
    const runOne = () =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...process.env, DB_URL: url }, cwd: new URL("../../../../", import.meta.url).pathname });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop() ?? "[]") as string[]) : reject(new Error(err))));
      });
    const results = await Promise.all([runOne(), runOne(), runOne()]);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    expect(await tables(url)).toContain("events");
  });

  it("ensureDatabase is idempotent", async () => {
    const url = freshUrl();
    cleanups.push(() => dropDatabase(url));
    const created = await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
    expect(created.filter(Boolean)).toHaveLength(1);
  });
});
