// The Ledger port over PostgreSQL: each request is one call of a SQL function from migration
// 0003_ledger.sql, as amended by 0010 and 0012 (one round trip, one transaction), with a deadline. createTransfers and
// createAccounts go through the auto-batcher unless batching is turned off.
import {
  ledgerBatchEventsMax,
  ledgerBatchTransfersMax,
  ledgerBatchWaitMs,
  ledgerBatchesInFlightMax,
  ledgerCallTimeoutMs,
} from "@stampede/shared/limits";
import { assert } from "@stampede/shared/assert";
import { withLedgerDeadline } from "@stampede/shared/ledger/deadline";
import { LedgerUnavailableError, type Ledger } from "@stampede/shared/ledger/port";
import type { Account, CreateAccountResult, CreateTransferResult, Transfer } from "@stampede/shared/ledger/types";
import { postgresConnectionLost } from "../dependency-errors.js";
import type { Pool } from "../postgres/pool.js";
import { ledgerUnavailableCode } from "../postgres/sqlstate.js";
import { Batcher, linkedChainOpen } from "../batching/batcher.js";
import {
  accountFromRow,
  accountParams,
  accountResults,
  arrayLiteral,
  transferFromRow,
  transferParams,
  transferResults,
  u128ToText,
  type AccountRow,
  type TransferRow,
} from "./codec.js";

export interface PostgresLedgerOptions {
  /** Deadline of every call; the pool's statement_timeout should not be longer. */
  callTimeoutMs?: number;
  /** Coalesce concurrent create calls (default true). Off: one function call per caller. */
  batching?: boolean;
  batchEventsMax?: number;
  batchWaitMs?: number;
  batchesInFlightMax?: number;
  /** End the pool on close() (when the ledger made it). */
  ownsPool?: boolean;
  onBatch?: (events: number) => void;
}

const transferCall = `SELECT statuses, timestamps FROM ledger_create_transfers(
  $1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[], $5::uuid[], $6::uuid[], $7::numeric[], $8::bigint[],
  $9::bigint[], $10::bigint[], $11::integer[], $12::integer[], $13::bigint[])`;
const accountCall = `SELECT statuses, timestamps FROM ledger_create_accounts(
  $1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[], $6::uuid[], $7::numeric[], $8::bigint[],
  $9::integer[], $10::bigint[], $11::integer[], $12::integer[], $13::bigint[])`;
const lookupAccountsCall = "SELECT * FROM ledger_lookup_accounts($1::uuid[])";
const lookupTransfersCall = `SELECT t.* FROM unnest($1::uuid[]) WITH ORDINALITY r(id, ord)
  JOIN ledger_transfers t ON t.id = r.id ORDER BY r.ord`;

// What "the backend did not answer" looks like from node-pg: an error code (cancelled by
// statement_timeout, connection refused/reset, server shutting down, overloaded; see sqlstate.ts),
// or only a message (connection terminated, pool wait timed out, no answer at all: query_timeout).
function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && ledgerUnavailableCode(code)) return true;
  return postgresConnectionLost.test(err.message);
}

class PostgresLedger implements Ledger {
  private readonly deadlineMs: number;
  private readonly transfers: Batcher<Transfer, CreateTransferResult> | null;
  private readonly accounts: Batcher<Account, CreateAccountResult> | null;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresLedgerOptions,
  ) {
    this.deadlineMs = options.callTimeoutMs ?? ledgerCallTimeoutMs;
    const batching = options.batching ?? true;
    const batcherOptions = {
      maxEvents: options.batchEventsMax ?? ledgerBatchTransfersMax,
      maxWaitMs: options.batchWaitMs ?? ledgerBatchWaitMs,
      maxInFlight: options.batchesInFlightMax ?? ledgerBatchesInFlightMax,
      deadlineMs: this.deadlineMs,
      onBatch: options.onBatch,
      closesCall: linkedChainOpen,
    };
    this.transfers = batching ? new Batcher((batch) => this.sendTransfers(batch), batcherOptions) : null;
    this.accounts = batching
      ? new Batcher((batch) => this.sendAccounts(batch), { ...batcherOptions, onBatch: undefined })
      : null;
  }

  createAccounts(batch: readonly Account[]): Promise<CreateAccountResult[]> {
    return this.accounts ? this.accounts.submit(batch) : this.sendAccounts(batch);
  }

  createTransfers(batch: readonly Transfer[]): Promise<CreateTransferResult[]> {
    return this.transfers ? this.transfers.submit(batch) : this.sendTransfers(batch);
  }

  async lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    assert(ids.length <= ledgerBatchEventsMax, "too many ids in one lookup");
    const rows = await this.query<AccountRow>("lookup_accounts", lookupAccountsCall, [
      arrayLiteral(ids.map(u128ToText)),
    ]);
    return rows.map(accountFromRow);
  }

  async lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    assert(ids.length <= ledgerBatchEventsMax, "too many ids in one lookup");
    const rows = await this.query<TransferRow>("lookup_transfers", lookupTransfersCall, [
      arrayLiteral(ids.map(u128ToText)),
    ]);
    return rows.map(transferFromRow);
  }

  async close(): Promise<void> {
    this.transfers?.close();
    this.accounts?.close();
    if (this.options.ownsPool) await this.pool.end();
  }

  private async sendTransfers(batch: readonly Transfer[]): Promise<CreateTransferResult[]> {
    if (batch.length === 0) return [];
    assert(batch.length <= ledgerBatchEventsMax, `a ledger request holds at most ${ledgerBatchEventsMax} events`);
    const [row] = await this.query<{ statuses: number[]; timestamps: string[] }>(
      "create_transfers",
      transferCall,
      transferParams(batch),
    );
    return transferResults(row!);
  }

  private async sendAccounts(batch: readonly Account[]): Promise<CreateAccountResult[]> {
    if (batch.length === 0) return [];
    assert(batch.length <= ledgerBatchEventsMax, `a ledger request holds at most ${ledgerBatchEventsMax} events`);
    const [row] = await this.query<{ statuses: number[]; timestamps: string[] }>(
      "create_accounts",
      accountCall,
      accountParams(batch),
    );
    return accountResults(row!);
  }

  private async query<T>(what: string, text: string, values: unknown[]): Promise<T[]> {
    try {
      const result = await withLedgerDeadline(this.pool.query(text, values), this.deadlineMs, what);
      return result.rows as T[];
    } catch (err) {
      if (err instanceof LedgerUnavailableError) throw err;
      if (isUnavailable(err))
        throw new LedgerUnavailableError(`ledger ${what}: ${(err as Error).message}`, { cause: err });
      throw err;
    }
  }
}

/** The PostgreSQL ledger on this pool (migrated with 0003_ledger.sql, 0010 and 0012). */
export function createPostgresLedger(pool: Pool, options: PostgresLedgerOptions = {}): Ledger {
  return new PostgresLedger(pool, options);
}
