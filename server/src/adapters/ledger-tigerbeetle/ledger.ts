// The Ledger port over TigerBeetle itself (tigerbeetle-node 0.17). One client per process and
// cluster: the client batches concurrent requests on its own, so there is no batcher here.
// The client retries forever while the cluster is unreachable; every call therefore races a
// deadline and turns into LedgerUnavailableError ("retry with the same ids") when it passes.
// The shared types mirror tigerbeetle-node's field for field and code for code (checked by
// codes.test.ts), so results pass through unchanged.
import { createRequire } from "node:module";
import type { Client } from "tigerbeetle-node";
import { ledgerCallTimeoutMs } from "@stampede/shared/limits";
import { withLedgerDeadline } from "@stampede/shared/ledger/deadline";
import { LedgerUnavailableError, type Ledger } from "@stampede/shared/ledger/port";
import type { Account, CreateAccountResult, CreateTransferResult, Transfer } from "@stampede/shared/ledger/types";

export interface TigerBeetleLedgerOptions {
  /** Replica addresses, comma-separated ("3000" or "10.0.0.1:3000,10.0.0.2:3000"). */
  address: string;
  clusterId: bigint;
  callTimeoutMs?: number;
}

// Loaded on first use, not at import: the PostgreSQL-only setup never needs the native client
// (and a platform without its prebuilt binary can still run everything else).
type TigerBeetleModule = typeof import("tigerbeetle-node");
let tigerbeetle: TigerBeetleModule | undefined;
function tb(): TigerBeetleModule {
  tigerbeetle ??= createRequire(import.meta.url)("tigerbeetle-node") as TigerBeetleModule;
  return tigerbeetle;
}

const clients = new Map<string, { client: Client; users: number }>();

function acquire(address: string, clusterId: bigint): Client {
  const key = `${clusterId}/${address}`;
  let entry = clients.get(key);
  if (entry === undefined) {
    entry = {
      client: tb().createClient({ cluster_id: clusterId, replica_addresses: address.split(",").map((a) => a.trim()) }),
      users: 0,
    };
    clients.set(key, entry);
  }
  entry.users += 1;
  return entry.client;
}

function release(address: string, clusterId: bigint): void {
  const key = `${clusterId}/${address}`;
  const entry = clients.get(key);
  if (entry === undefined) return;
  entry.users -= 1;
  if (entry.users === 0) {
    clients.delete(key);
    entry.client.destroy();
  }
}

class TigerBeetleLedger implements Ledger {
  private readonly client: Client;
  private readonly deadlineMs: number;
  private closed = false;

  constructor(private readonly options: TigerBeetleLedgerOptions) {
    this.client = acquire(options.address, options.clusterId);
    this.deadlineMs = options.callTimeoutMs ?? ledgerCallTimeoutMs;
  }

  async createAccounts(batch: readonly Account[]): Promise<CreateAccountResult[]> {
    if (batch.length === 0) return [];
    return (await this.call("create_accounts", () => this.client.createAccounts([...batch]))) as CreateAccountResult[];
  }

  async createTransfers(batch: readonly Transfer[]): Promise<CreateTransferResult[]> {
    if (batch.length === 0) return [];
    return (await this.call("create_transfers", () =>
      this.client.createTransfers([...batch]),
    )) as CreateTransferResult[];
  }

  async lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    if (ids.length === 0) return [];
    return this.call("lookup_accounts", () => this.client.lookupAccounts([...ids]));
  }

  async lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    if (ids.length === 0) return [];
    return this.call("lookup_transfers", () => this.client.lookupTransfers([...ids]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    release(this.options.address, this.options.clusterId);
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await withLedgerDeadline(request(), this.deadlineMs, what);
    } catch (err) {
      // A closed or evicted client cannot answer; anything else (ERR_TOO_MUCH_DATA) is a bug.
      const { RequestError, ErrorCodes } = tb();
      if (
        err instanceof RequestError &&
        (err.code === ErrorCodes.ERR_CLIENT_CLOSED || err.code === ErrorCodes.ERR_CLIENT_EVICTED)
      ) {
        throw new LedgerUnavailableError(`ledger ${what}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
}

export function createTigerBeetleLedger(options: TigerBeetleLedgerOptions): Ledger {
  return new TigerBeetleLedger(options);
}
