// Helpers shared by the ledger conformance suite: fresh ids and ledgers per test so every test
// can run on one shared backend, and readable status names in assertions.
import { expect } from "vitest";
import { uuidToU128, uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import {
  AccountFlags,
  account,
  accountStatusName,
  transfer,
  transferStatusName,
  type Account,
  type CreateAccountResult,
  type CreateTransferResult,
  type Transfer,
} from "@stampede/shared/ledger/types";

export interface LedgerUnderTest {
  ledger: Ledger;
  close(): Promise<void>;
}

export type LedgerFactory = () => Promise<LedgerUnderTest>;

export function newId(): bigint {
  return uuidToU128(uuidv7());
}

let ledgerSeq = Math.floor(Math.random() * 1_000_000);
/** A ledger number no other test uses, so accounts of different tests never meet. */
export function newLedgerNumber(): number {
  ledgerSeq += 1;
  return 1_000_000 + (ledgerSeq % 3_000_000_000);
}

export function transferNames(results: readonly CreateTransferResult[]): string[] {
  return results.map((r) => transferStatusName(r.status));
}

export function accountNames(results: readonly CreateAccountResult[]): string[] {
  return results.map((r) => accountStatusName(r.status));
}

/** One test's accounts on its own ledger: plain ones, a limited one, and helpers to move money. */
export class Book {
  readonly ledgerNumber = newLedgerNumber();
  constructor(readonly ledger: Ledger) {}

  account(fields: Partial<Account> = {}): Account {
    return account({ id: newId(), ledger: this.ledgerNumber, code: 1, ...fields });
  }

  async open(...specs: Partial<Account>[]): Promise<bigint[]> {
    const accounts = specs.map((s) => this.account(s));
    expect(accountNames(await this.ledger.createAccounts(accounts))).toEqual(accounts.map(() => "created"));
    return accounts.map((a) => a.id);
  }

  /** An account that cannot be debited beyond its credits, funded with `amount` from `source`. */
  async limited(source: bigint, amount: bigint): Promise<bigint> {
    const [id] = await this.open({ flags: AccountFlags.debits_must_not_exceed_credits });
    expect(transferNames(await this.ledger.createTransfers([this.transfer(source, id!, amount)]))).toEqual(["created"]);
    return id!;
  }

  transfer(debit: bigint, credit: bigint, amount: bigint, fields: Partial<Transfer> = {}): Transfer {
    return transfer({
      id: newId(),
      debit_account_id: debit,
      credit_account_id: credit,
      amount,
      ledger: this.ledgerNumber,
      code: 1,
      ...fields,
    });
  }

  async balances(id: bigint): Promise<{ dp: bigint; dpo: bigint; cp: bigint; cpo: bigint }> {
    const [a] = await this.ledger.lookupAccounts([id]);
    expect(a).toBeDefined();
    return { dp: a!.debits_pending, dpo: a!.debits_posted, cp: a!.credits_pending, cpo: a!.credits_posted };
  }

  async send(...transfers: Transfer[]): Promise<string[]> {
    return transferNames(await this.ledger.createTransfers(transfers));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
