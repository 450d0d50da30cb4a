// Goal: dependencyUnavailable names PostgreSQL for the codes that mean "not answering" (by name,
// from sqlstate.ts) and for what a real pool throws when the database is gone or past its
// statement timeout, and nothing for an error of the statement itself. Everything it counts as
// PostgreSQL not answering, the PostgreSQL ledger counts as "unavailable" too.
import { afterAll, describe, expect, it } from "vitest";
import { dependencyUnavailable } from "./dependency-errors.js";
import { createPool, type Pool } from "./postgres/pool.js";
import { ledgerUnavailableCode, postgresUnavailableCodes, SocketError, SqlState } from "./postgres/sqlstate.js";
import { closedPort, testPostgresBase } from "../../test/support/services.js";

const pools: Pool[] = [];
afterAll(async () => {
  for (const p of pools) await p.end();
});

function pool(url: string, options: Parameters<typeof createPool>[1] = {}): Pool {
  const p = createPool(url, options);
  pools.push(p);
  return p;
}

const withCode = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });
const failureOf = (work: Promise<unknown>) =>
  work.then(
    () => null,
    (err: unknown) => err,
  );

describe("dependencyUnavailable", () => {
  it("names PostgreSQL for the codes of a server that is not answering", () => {
    const down = [
      SqlState.connectionFailure,
      SqlState.cannotEstablishConnection,
      SqlState.queryCanceled,
      SqlState.adminShutdown,
      SqlState.crashShutdown,
      SqlState.cannotConnectNow,
      SqlState.tooManyConnections,
      SocketError.connectionRefused,
      SocketError.connectionReset,
    ];
    for (const code of down) expect([code, dependencyUnavailable(withCode(code))]).toEqual([code, "postgres"]);
  });

  it("names Redis for what ioredis's Cluster says while a master fails over (messages as ioredis 5 words them)", () => {
    const inFlux = [
      "Too many Cluster redirections. Last error: ReplyError: MOVED 1622 127.0.0.1:33515",
      "Too many Cluster redirections. Last error: Error: Connection is closed.",
      "CLUSTERDOWN The cluster is down",
      "TRYAGAIN Multiple keys request during rehashing of slot",
      "Failed to refresh slots cache.",
      "None of startup nodes is available",
    ];
    for (const message of inFlux)
      expect([message, dependencyUnavailable(new Error(message))]).toEqual([message, "redis"]);
    // Control: a script's own error, or a MOVED that ioredis followed itself, is not an outage.
    for (const message of ["ERR Error running script (call to f_1): bad key", "WRONGTYPE Operation against a key"])
      expect(dependencyUnavailable(new Error(message))).toBeNull();
  });

  it("names nothing for an error of the statement or of the transaction", () => {
    const { undefinedTable, invalidCatalogName, serializationFailure, deadlockDetected } = SqlState;
    const statementErrors = [undefinedTable, invalidCatalogName, serializationFailure, deadlockDetected, "23505"];
    for (const code of statementErrors) expect([code, dependencyUnavailable(withCode(code))]).toEqual([code, null]);
  });

  it("the PostgreSQL ledger counts every code of a server not answering as unavailable, and a rolled-back call too", () => {
    for (const code of postgresUnavailableCodes) expect([code, ledgerUnavailableCode(code)]).toEqual([code, true]);
    for (const code of [SqlState.serializationFailure, SqlState.deadlockDetected, "08003", "ETIMEDOUT"]) {
      expect([code, ledgerUnavailableCode(code)]).toEqual([code, true]);
    }
    for (const code of [SqlState.undefinedTable, "23505", "22012"])
      expect([code, ledgerUnavailableCode(code)]).toEqual([code, false]);
  });

  it("names PostgreSQL for a statement the database did not finish within statement_timeout", async () => {
    const slow = pool(testPostgresBase, { statementTimeoutMs: 100 });
    const err = await failureOf(slow.query("SELECT pg_sleep(30)"));
    expect((err as { code?: string }).code).toBe(SqlState.queryCanceled);
    expect(dependencyUnavailable(err)).toBe("postgres");
  });

  it("names PostgreSQL for a database that is not there, and nothing for a missing table", async () => {
    const gone = pool(`postgres://postgres@127.0.0.1:${await closedPort()}/x`, { connectTimeoutMs: 500 });
    expect(dependencyUnavailable(await failureOf(gone.query("SELECT 1")))).toBe("postgres");
    const err = await failureOf(pool(testPostgresBase).query("SELECT * FROM no_such_table_here"));
    expect((err as { code?: string }).code).toBe(SqlState.undefinedTable);
    expect(dependencyUnavailable(err)).toBeNull();
  });
});
