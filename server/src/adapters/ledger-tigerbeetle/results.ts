// The port's objects built field by field from tigerbeetle-node's. The client's objects carry
// more than its typings say (create results have an undeclared `reserved`, seen against a 0.17.9
// cluster), and whatever leaks through the port reaches JSON bodies, logs and equality checks —
// so nothing is passed through: each result names exactly the fields of shared/src/ledger/types.ts.
import type * as tb from "tigerbeetle-node";
import type { Account, CreateAccountResult, CreateTransferResult, Transfer } from "@stampede/shared/ledger/types";

export function createAccountResultFrom(r: tb.CreateAccountResult): CreateAccountResult {
  // The shared status codes are tigerbeetle-node's, name for name and number for number (codes.test.ts).
  return { timestamp: r.timestamp, status: r.status };
}

export function createTransferResultFrom(r: tb.CreateTransferResult): CreateTransferResult {
  return { timestamp: r.timestamp, status: r.status };
}

export function accountFrom(a: tb.Account): Account {
  return {
    id: a.id,
    debits_pending: a.debits_pending,
    debits_posted: a.debits_posted,
    credits_pending: a.credits_pending,
    credits_posted: a.credits_posted,
    user_data_128: a.user_data_128,
    user_data_64: a.user_data_64,
    user_data_32: a.user_data_32,
    reserved: a.reserved,
    ledger: a.ledger,
    code: a.code,
    flags: a.flags,
    timestamp: a.timestamp,
  };
}

export function transferFrom(t: tb.Transfer): Transfer {
  return {
    id: t.id,
    debit_account_id: t.debit_account_id,
    credit_account_id: t.credit_account_id,
    amount: t.amount,
    pending_id: t.pending_id,
    user_data_128: t.user_data_128,
    user_data_64: t.user_data_64,
    user_data_32: t.user_data_32,
    timeout: t.timeout,
    ledger: t.ledger,
    code: t.code,
    flags: t.flags,
    timestamp: t.timestamp,
  };
}
