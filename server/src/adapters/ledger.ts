// Chooses the ledger backend. TigerBeetle when a cluster address is configured; otherwise the
// PostgreSQL ledger, on a pool of its own whose statement_timeout is the ledger deadline (so a
// stuck batch is cancelled in the database too, not only abandoned by the caller).
import { ledgerCallTimeoutMs, ledgerPoolConnectionsMax } from "@stampede/shared/limits";
import type { Ledger } from "@stampede/shared/ledger/port";
import { createPostgresLedger, type PostgresLedgerOptions } from "./ledger-postgres/ledger.js";
import { createTigerBeetleLedger } from "./ledger-tigerbeetle/ledger.js";
import { createPool, type Pool } from "./postgres/pool.js";

export type PostgresLedgerDeps = ({ databaseUrl: string } | { pool: Pool }) & Omit<PostgresLedgerOptions, "ownsPool">;
export interface TigerBeetleLedgerDeps {
  address: string;
  clusterId: bigint;
  callTimeoutMs?: number;
  /** Where the client session's life is reported (stderr when absent). */
  log?: (message: string) => void;
}

export function createLedger(kind: "postgres", deps: PostgresLedgerDeps): Ledger;
export function createLedger(kind: "tigerbeetle", deps: TigerBeetleLedgerDeps): Ledger;
export function createLedger(
  kind: "postgres" | "tigerbeetle",
  deps: PostgresLedgerDeps | TigerBeetleLedgerDeps,
): Ledger {
  if (kind === "tigerbeetle") return createTigerBeetleLedger(deps as TigerBeetleLedgerDeps);
  const pg = deps as PostgresLedgerDeps;
  if ("pool" in pg) return createPostgresLedger(pg.pool, pg);
  const callTimeoutMs = pg.callTimeoutMs ?? ledgerCallTimeoutMs;
  const pool = createPool(pg.databaseUrl, {
    max: ledgerPoolConnectionsMax,
    statementTimeoutMs: callTimeoutMs,
    applicationName: "stampede-ledger",
  });
  return createPostgresLedger(pool, { ...pg, callTimeoutMs, ownsPool: true });
}
