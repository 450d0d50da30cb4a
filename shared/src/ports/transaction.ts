// A database transaction as services see it: a handle they pass from one repository call to the
// next so those calls commit together, with nothing on it to run SQL with. Repositories own all
// SQL (server/src/adapters/postgres); there a Tx is the checked-out connection of the transaction.
declare const transactionHandle: unique symbol;

export interface Tx {
  readonly [transactionHandle]: true;
}

/** Runs fn inside one transaction: commits when it returns, rolls back on any throw. */
export type Transactions = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;
