// The Ledger port over TigerBeetle itself (tigerbeetle-node 0.17). One client per process and
// cluster (sessions.ts: why, and what happens past the cluster's 64 sessions): the client batches
// concurrent requests on its own, so there is no batcher here.
// The client retries forever while the cluster is unreachable; every call therefore races a
// deadline and turns into LedgerUnavailableError ("retry with the same ids") when it passes.
// An evicted client never answers again: the call that meets it fails the same way, and the
// retry goes to a new client. Results are rebuilt field by field (results.ts), never passed on.
import { createRequire } from "node:module";
import type { Client, ClientInitArgs } from "tigerbeetle-node";
import { assert } from "@stampede/shared/assert";
import { ledgerCallTimeoutMs } from "@stampede/shared/limits";
import { withLedgerDeadline } from "@stampede/shared/ledger/deadline";
import { LedgerUnavailableError, type Ledger } from "@stampede/shared/ledger/port";
import type { Account, CreateAccountResult, CreateTransferResult, Transfer } from "@stampede/shared/ledger/types";
import { accountFrom, createAccountResultFrom, createTransferResultFrom, transferFrom } from "./results.js";
import { acquireSession, releaseSession, replaceDeadClient, type CreateClient, type Session } from "./sessions.js";

export interface TigerBeetleLedgerOptions {
  /** Replica addresses, comma-separated ("3000" or "10.0.0.1:3000,10.0.0.2:3000"). */
  address: string;
  clusterId: bigint;
  callTimeoutMs?: number;
  /** Makes the client: tigerbeetle-node's createClient unless a test passes a stand-in. */
  createClient?: CreateClient;
  /** Where the session's lifecycle is reported (made, replaced); stderr by default. The session
   *  is shared, so it reports through the first ledger's. */
  log?: (message: string) => void;
}

// Loaded on first use, not at import: the PostgreSQL-only setup never needs the native client
// (and a platform without its prebuilt binary can still run everything else).
type TigerBeetleModule = typeof import("tigerbeetle-node");
let tigerbeetle: TigerBeetleModule | undefined;
function tb(): TigerBeetleModule {
  tigerbeetle ??= createRequire(import.meta.url)("tigerbeetle-node") as TigerBeetleModule;
  return tigerbeetle;
}

// A stable function, so every ledger of the process on the same cluster finds the same session.
function createRealClient(args: ClientInitArgs): Client {
  return tb().createClient(args);
}

function logToStderr(message: string): void {
  console.warn(`stampede ledger: ${message}`);
}

/** Why this client can never answer again, or undefined when the failure says nothing about that. */
function deadClientReason(err: unknown): string | undefined {
  const { RequestError, ErrorCodes } = tb();
  if (!(err instanceof RequestError)) return undefined;
  if (err.code === ErrorCodes.ERR_CLIENT_EVICTED) return "evicted by the cluster";
  // We destroy a client only once no ledger uses it (a call still in flight then hears this, and
  // nothing is replaced); a client closed under a ledger still in use is as dead as an evicted one.
  if (err.code === ErrorCodes.ERR_CLIENT_CLOSED) return "closed";
  return undefined;
}

/** The request as a promise, even if the client throws instead of rejecting. */
function submit<T>(client: Client, request: (client: Client) => Promise<T>): Promise<T> {
  try {
    return request(client);
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

class TigerBeetleLedger implements Ledger {
  private readonly session: Session;
  private readonly deadlineMs: number;
  private closed = false;

  constructor(options: TigerBeetleLedgerOptions) {
    const make = options.createClient ?? createRealClient;
    this.session = acquireSession(make, options.address, options.clusterId, options.log ?? logToStderr);
    this.deadlineMs = options.callTimeoutMs ?? ledgerCallTimeoutMs;
  }

  async createAccounts(batch: readonly Account[]): Promise<CreateAccountResult[]> {
    if (batch.length === 0) return [];
    const results = await this.call("create_accounts", (client) => client.createAccounts([...batch]));
    return results.map(createAccountResultFrom);
  }

  async createTransfers(batch: readonly Transfer[]): Promise<CreateTransferResult[]> {
    if (batch.length === 0) return [];
    const results = await this.call("create_transfers", (client) => client.createTransfers([...batch]));
    return results.map(createTransferResultFrom);
  }

  async lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    if (ids.length === 0) return [];
    return (await this.call("lookup_accounts", (client) => client.lookupAccounts([...ids]))).map(accountFrom);
  }

  async lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    if (ids.length === 0) return [];
    return (await this.call("lookup_transfers", (client) => client.lookupTransfers([...ids]))).map(transferFrom);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    releaseSession(this.session);
  }

  private async call<T>(what: string, request: (client: Client) => Promise<T>): Promise<T> {
    // Not "unavailable": a retry could never succeed, so this is the caller's bug, said loudly.
    assert(!this.closed, `TigerBeetle ledger: ${what} called after close()`);
    const client = this.session.client;
    const work = submit(client, request);
    // Watched apart from the deadline, so that a client found dead after its call was abandoned
    // is replaced all the same. Registered first, so it runs before the caller hears the error.
    work.catch((err: unknown) => {
      const reason = deadClientReason(err);
      if (reason !== undefined) replaceDeadClient(this.session, client, reason);
    });
    try {
      return await withLedgerDeadline(work, this.deadlineMs, what);
    } catch (err) {
      // Whether the request was applied is unknown: the caller retries with the same ids.
      if (deadClientReason(err) !== undefined) {
        throw new LedgerUnavailableError(`ledger ${what}: ${(err as Error).message}`, { cause: err });
      }
      throw err; // ERR_TOO_MUCH_DATA, a release mismatch, anything else: a bug or a misdeployment.
    }
  }
}

export function createTigerBeetleLedger(options: TigerBeetleLedgerOptions): Ledger {
  return new TigerBeetleLedger(options);
}
