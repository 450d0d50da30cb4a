// Goal: the PostgreSQL ledger answers within its deadline when the database is stuck or gone
// (LedgerUnavailableError: "retry with the same ids"), and a retry with the same ids gives one
// effect whether or not the abandoned call was applied (R13 at the ledger level).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LedgerUnavailableError } from "@stampede/shared/ledger/port";
import { CreateTransferStatus as TS, isTransferSuccess } from "@stampede/shared/ledger/types";
import { createLedger } from "../ledger.js";
import { Book } from "../../../test/support/ledger-conformance/harness.js";
import { createPool } from "../postgres/pool.js";
import { waitFor } from "../../../test/support/fans.js";
import { closedPort, createTestDatabase, type TestDatabase } from "../../../test/support/services.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** Holds the ledger's clock row from another session, as a stuck batch would. */
async function stall(url: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("BEGIN");
  await client.query("SELECT * FROM ledger_clock FOR UPDATE");
  return {
    async release() {
      await client.query("COMMIT");
      await client.end();
    },
  };
}

/** Calls again (the same ids) while the ledger answers "unavailable" (30 s at most), as a caller would. */
async function untilAnswered<T>(call: () => Promise<T>): Promise<T> {
  const deadlineMs = Date.now() + 30_000;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof LedgerUnavailableError) || Date.now() > deadlineMs) throw err;
    }
  }
}

describe("PostgreSQL ledger deadlines", () => {
  for (const batching of [true, false]) {
    it(`a stuck database gives LedgerUnavailableError in time, and the retry applies once (batching ${batching})`, async () => {
      const ledger = createLedger("postgres", { databaseUrl: db.url, callTimeoutMs: 300, batching });
      const book = new Book(ledger);
      const [a, b] = await book.open({}, {});
      const t = book.transfer(a!, b!, 5n);
      const stuck = await stall(db.url);
      // The stall never ends by itself, so any answer at all is the deadline's (no clock needed).
      await expect(ledger.createTransfers([t])).rejects.toBeInstanceOf(LedgerUnavailableError);
      await stuck.release();
      // Usually statement_timeout has cancelled the first try and the retry creates the transfer; on
      // a slow machine the abandoned try may still commit once the lock is free, and the retry
      // answers `exists`. Either way: one effect.
      // The retry has the same 300 ms deadline; a loaded machine may miss it, and a caller retries
      // with the same id until it gets an answer.
      expect(["created", "exists"]).toContain((await untilAnswered(() => book.send(t)))[0]);
      expect(await book.balances(b!)).toMatchObject({ cpo: 5n });
      await ledger.close();
    });
  }

  it("when the abandoned call commits after all, the retry answers `exists`: still one effect", async () => {
    // A pool whose statement_timeout is longer than the caller's deadline: the call outlives it.
    const pool = createPool(db.url, { statementTimeoutMs: 10_000 });
    const ledger = createLedger("postgres", { pool, callTimeoutMs: 300 });
    const book = new Book(ledger);
    const [a, b] = await book.open({}, {});
    const t = book.transfer(a!, b!, 5n);
    const stuck = await stall(db.url);
    await expect(ledger.createTransfers([t])).rejects.toBeInstanceOf(LedgerUnavailableError);
    await stuck.release();
    // The abandoned call was queued on the lock; it commits once the lock is free. Retry only
    // after it did, which is the case this test is about.
    await waitFor(
      "the abandoned call to commit",
      async () => (await untilAnswered(() => ledger.lookupTransfers([t.id]))).length === 1,
    );
    const [retry] = await untilAnswered(() => ledger.createTransfers([t]));
    expect(retry!.status).toBe(TS.exists);
    expect(isTransferSuccess(retry!.status)).toBe(true);
    expect(await book.balances(b!)).toMatchObject({ cpo: 5n });
    await ledger.close();
    await pool.end();
  });

  it("an unreachable database gives LedgerUnavailableError, not a crash", async () => {
    const port = await closedPort();
    const ledger = createLedger("postgres", {
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/none`,
      callTimeoutMs: 500,
    });
    await expect(ledger.lookupAccounts([1n])).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(ledger.createTransfers([new Book(ledger).transfer(1n, 2n, 1n)])).rejects.toBeInstanceOf(
      LedgerUnavailableError,
    );
    await ledger.close();
  });
});
