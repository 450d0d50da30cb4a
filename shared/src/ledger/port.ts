// The Ledger port: TigerBeetle's four requests with TigerBeetle's semantics and result codes,
// whichever backend answers them (TigerBeetle itself, or the PostgreSQL ledger).
//
// Ids are made by the caller. A call that rejects with LedgerUnavailableError may or may not
// have been applied: retry it with the same ids and the ledger gives each id one effect
// (`exists` for what was applied the first time).
import type { Account, CreateAccountResult, CreateTransferResult, Transfer } from "./types.js";

export interface Ledger {
  /** One result per account, in batch order. */
  createAccounts(batch: readonly Account[]): Promise<CreateAccountResult[]>;
  /**
   * One result per transfer, in batch order. Linked chains (flags.linked up to the first
   * transfer without it) succeed or fail as a whole; a chain left open at the end of the batch
   * fails with `linked_event_chain_open`.
   */
  createTransfers(batch: readonly Transfer[]): Promise<CreateTransferResult[]>;
  /** The accounts found, in request order; missing ids are left out. */
  lookupAccounts(ids: readonly bigint[]): Promise<Account[]>;
  /** The transfers found, in request order; missing ids are left out. */
  lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]>;
  close(): Promise<void>;
}

/**
 * The backend did not answer within its deadline (or could not be reached). Not an outcome
 * about the request itself: the request may have been applied. Retry with the same ids.
 */
export class LedgerUnavailableError extends Error {
  override name = "LedgerUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
