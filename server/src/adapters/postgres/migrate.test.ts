// Goal: every start command may create the database and migrate at the same time as others;
// migrations apply exactly once, whether run twice in a row or by several processes at once; a
// backend terminated while a start waits on the migration lock fails that attempt (it does not
// end the process) and start-up tries again until the database answers.
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import pg from "pg";
import { prepareServices } from "../../bootstrap.js";
import { waitFor } from "../../../test/support/fans.js";
import { createTestDatabase, testPostgresBase, testRedisUrl, uniqueSuffix } from "../../../test/support/services.js";
import { dependencyUnavailable } from "../dependency-errors.js";
import { dropDatabase, ensureDatabase } from "./database.js";
import { migrate } from "./migrate.js";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ t: string }>(
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
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
    expect(await tables(db.url)).toEqual(
      expect.arrayContaining(["admin_users", "admin_audit", "events", "ticket_classes", "perks", "pgmigrations"]),
    );
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
        const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
          env: { ...process.env, DB_URL: url },
          cwd: new URL("../../../../", import.meta.url).pathname,
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (err += d.toString()));
        child.on("exit", (code) =>
          code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop() ?? "[]") as string[]) : reject(new Error(err)),
        );
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

  describe("a backend terminated while a start waits on the migration lock", () => {
    const lockId = "7241865325823964"; // node-pg-migrate's advisory lock

    async function holdingTheLock(url: string) {
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      await holder.query("SELECT pg_advisory_lock($1)", [lockId]);
      cleanups.push(() => holder.end().catch(() => {}));
      return holder;
    }

    /** Terminates the backend waiting for the lock in this database; resolves once one was. */
    async function terminateWaiter(holder: pg.Client): Promise<void> {
      await waitFor(
        "a start waiting on the migration lock",
        async () => {
          const { rows } = await holder.query(
            `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          return rows.some((r: { done: boolean }) => r.done);
        },
        15_000,
      );
    }

    it("fails that migrate call with a PostgreSQL error, not an unhandled 'error' event", async () => {
      const db = await createTestDatabase({ migrate: false });
      cleanups.push(db.drop);
      const holder = await holdingTheLock(db.url);
      const attempt = migrate(db.url).then(
        () => null,
        (err: unknown) => err,
      );
      await terminateWaiter(holder);
      expect(dependencyUnavailable(await attempt)).toBe("postgres");
      await holder.end();
      expect((await migrate(db.url)).length).toBeGreaterThanOrEqual(2);
    });

    it("start-up tries again and migrates once the database answers", async () => {
      const url = freshUrl();
      cleanups.push(() => dropDatabase(url));
      await ensureDatabase(url);
      const holder = await holdingTheLock(url);
      let started = false;
      const starting = prepareServices({ databaseUrl: url, redisUrl: testRedisUrl }).then(() => (started = true));
      await terminateWaiter(holder);
      await terminateWaiter(holder); // the retry waits on the lock again: it was retried
      expect(started).toBe(false);
      await holder.end();
      await starting;
      expect(await tables(url)).toEqual(expect.arrayContaining(["events", "pgmigrations"]));
    }, 60_000);
  });
});
