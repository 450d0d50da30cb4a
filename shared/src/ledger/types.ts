// The ledger's data model, mirroring tigerbeetle-node 0.17 field for field and code for code, so
// TigerBeetle results pass through unchanged and the PostgreSQL backend answers in the same words.
// u128 fields are bigint; `timeout` is in seconds; timestamps are nanoseconds since the epoch.
// Browser-safe: no imports beyond shared.

export interface Account {
  id: bigint;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  user_data_128: bigint;
  user_data_64: bigint;
  user_data_32: number;
  reserved: number;
  ledger: number;
  code: number;
  flags: number;
  timestamp: bigint;
}

export interface Transfer {
  id: bigint;
  debit_account_id: bigint;
  credit_account_id: bigint;
  amount: bigint;
  pending_id: bigint;
  user_data_128: bigint;
  user_data_64: bigint;
  user_data_32: number;
  /** Seconds; only pending transfers may have one. */
  timeout: number;
  ledger: number;
  code: number;
  flags: number;
  timestamp: bigint;
}

export const AccountFlags = {
  none: 0,
  linked: 1,
  debits_must_not_exceed_credits: 2,
  credits_must_not_exceed_debits: 4,
  history: 8,
  imported: 16,
  closed: 32,
} as const;

export const TransferFlags = {
  none: 0,
  linked: 1,
  pending: 2,
  post_pending_transfer: 4,
  void_pending_transfer: 8,
  balancing_debit: 16,
  balancing_credit: 32,
  closing_debit: 64,
  closing_credit: 128,
  imported: 256,
} as const;

/** Posting with this amount posts the whole pending amount (TigerBeetle's `amount_max`). */
export const amountMax = (1n << 128n) - 1n;
export const u128Max = amountMax;

export const CreateAccountStatus = {
  created: 4294967295,
  linked_event_failed: 1,
  linked_event_chain_open: 2,
  imported_event_expected: 22,
  imported_event_not_expected: 23,
  timestamp_must_be_zero: 3,
  imported_event_timestamp_out_of_range: 24,
  imported_event_timestamp_must_not_advance: 25,
  reserved_field: 4,
  reserved_flag: 5,
  id_must_not_be_zero: 6,
  id_must_not_be_int_max: 7,
  exists_with_different_flags: 15,
  exists_with_different_user_data_128: 16,
  exists_with_different_user_data_64: 17,
  exists_with_different_user_data_32: 18,
  exists_with_different_ledger: 19,
  exists_with_different_code: 20,
  exists: 21,
  flags_are_mutually_exclusive: 8,
  debits_pending_must_be_zero: 9,
  debits_posted_must_be_zero: 10,
  credits_pending_must_be_zero: 11,
  credits_posted_must_be_zero: 12,
  ledger_must_not_be_zero: 13,
  code_must_not_be_zero: 14,
  imported_event_timestamp_must_not_regress: 26,
} as const;
export type CreateAccountStatus = (typeof CreateAccountStatus)[keyof typeof CreateAccountStatus];
export type CreateAccountStatusName = keyof typeof CreateAccountStatus;

export const CreateTransferStatus = {
  created: 4294967295,
  linked_event_failed: 1,
  linked_event_chain_open: 2,
  imported_event_expected: 56,
  imported_event_not_expected: 57,
  timestamp_must_be_zero: 3,
  imported_event_timestamp_out_of_range: 58,
  imported_event_timestamp_must_not_advance: 59,
  reserved_flag: 4,
  id_must_not_be_zero: 5,
  id_must_not_be_int_max: 6,
  exists_with_different_flags: 36,
  exists_with_different_pending_id: 40,
  exists_with_different_timeout: 44,
  exists_with_different_debit_account_id: 37,
  exists_with_different_credit_account_id: 38,
  exists_with_different_amount: 39,
  exists_with_different_user_data_128: 41,
  exists_with_different_user_data_64: 42,
  exists_with_different_user_data_32: 43,
  exists_with_different_ledger: 67,
  exists_with_different_code: 45,
  exists: 46,
  id_already_failed: 68,
  flags_are_mutually_exclusive: 7,
  debit_account_id_must_not_be_zero: 8,
  debit_account_id_must_not_be_int_max: 9,
  credit_account_id_must_not_be_zero: 10,
  credit_account_id_must_not_be_int_max: 11,
  accounts_must_be_different: 12,
  pending_id_must_be_zero: 13,
  pending_id_must_not_be_zero: 14,
  pending_id_must_not_be_int_max: 15,
  pending_id_must_be_different: 16,
  timeout_reserved_for_pending_transfer: 17,
  closing_transfer_must_be_pending: 64,
  ledger_must_not_be_zero: 19,
  code_must_not_be_zero: 20,
  debit_account_not_found: 21,
  credit_account_not_found: 22,
  accounts_must_have_the_same_ledger: 23,
  transfer_must_have_the_same_ledger_as_accounts: 24,
  pending_transfer_not_found: 25,
  pending_transfer_not_pending: 26,
  pending_transfer_has_different_debit_account_id: 27,
  pending_transfer_has_different_credit_account_id: 28,
  pending_transfer_has_different_ledger: 29,
  pending_transfer_has_different_code: 30,
  exceeds_pending_transfer_amount: 31,
  pending_transfer_has_different_amount: 32,
  pending_transfer_already_posted: 33,
  pending_transfer_already_voided: 34,
  pending_transfer_expired: 35,
  imported_event_timestamp_must_not_regress: 60,
  imported_event_timestamp_must_postdate_debit_account: 61,
  imported_event_timestamp_must_postdate_credit_account: 62,
  imported_event_timeout_must_be_zero: 63,
  debit_account_already_closed: 65,
  credit_account_already_closed: 66,
  overflows_debits_pending: 47,
  overflows_credits_pending: 48,
  overflows_debits_posted: 49,
  overflows_credits_posted: 50,
  overflows_debits: 51,
  overflows_credits: 52,
  overflows_timeout: 53,
  exceeds_credits: 54,
  exceeds_debits: 55,
} as const;
export type CreateTransferStatus = (typeof CreateTransferStatus)[keyof typeof CreateTransferStatus];
export type CreateTransferStatusName = keyof typeof CreateTransferStatus;

/** One result per event, in batch order: `created` and `exists` both mean the event is in the ledger. */
export interface CreateAccountResult {
  timestamp: bigint;
  status: CreateAccountStatus;
}

export interface CreateTransferResult {
  timestamp: bigint;
  status: CreateTransferStatus;
}

/**
 * Failures that depend on the ledger's state at that moment, so the same request could succeed
 * later. TigerBeetle records the id of a transfer that failed this way, and answers
 * `id_already_failed` for it ever after: a retry with the same id can never have a different
 * outcome than the first attempt. Every other failure is a pure function of the request (or of
 * a state that never changes back) and is not recorded. Accounts have no transient failures.
 */
export const transientTransferStatuses: ReadonlySet<CreateTransferStatus> = new Set<CreateTransferStatus>([
  CreateTransferStatus.debit_account_not_found,
  CreateTransferStatus.credit_account_not_found,
  CreateTransferStatus.pending_transfer_not_found,
  CreateTransferStatus.exceeds_credits,
  CreateTransferStatus.exceeds_debits,
  CreateTransferStatus.debit_account_already_closed,
  CreateTransferStatus.credit_account_already_closed,
]);

const transferStatusNames = new Map<number, CreateTransferStatusName>(
  Object.entries(CreateTransferStatus).map(([name, code]) => [code, name as CreateTransferStatusName]),
);
const accountStatusNames = new Map<number, CreateAccountStatusName>(
  Object.entries(CreateAccountStatus).map(([name, code]) => [code, name as CreateAccountStatusName]),
);

/** The snake_case name of a transfer status, for logs, tests and tagged outcomes. */
export function transferStatusName(status: number): CreateTransferStatusName {
  const name = transferStatusNames.get(status);
  if (name === undefined) throw new RangeError(`unknown transfer status ${status}`);
  return name;
}

export function accountStatusName(status: number): CreateAccountStatusName {
  const name = accountStatusNames.get(status);
  if (name === undefined) throw new RangeError(`unknown account status ${status}`);
  return name;
}

/** `created` or `exists`: the event is in the ledger (a retry of a success is a success). */
export function isTransferSuccess(status: CreateTransferStatus): boolean {
  return status === CreateTransferStatus.created || status === CreateTransferStatus.exists;
}

export function isAccountSuccess(status: CreateAccountStatus): boolean {
  return status === CreateAccountStatus.created || status === CreateAccountStatus.exists;
}

export function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) !== 0;
}

/** An account with every field zero but the ones given: the shape TigerBeetle expects on create. */
export function account(fields: Pick<Account, "id" | "ledger" | "code"> & Partial<Account>): Account {
  return {
    debits_pending: 0n,
    debits_posted: 0n,
    credits_pending: 0n,
    credits_posted: 0n,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    reserved: 0,
    flags: 0,
    timestamp: 0n,
    ...fields,
  };
}

/** A transfer with every field zero but the ones given. */
export function transfer(fields: Pick<Transfer, "id"> & Partial<Transfer>): Transfer {
  return {
    debit_account_id: 0n,
    credit_account_id: 0n,
    amount: 0n,
    pending_id: 0n,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    timeout: 0,
    ledger: 0,
    code: 0,
    flags: 0,
    timestamp: 0n,
    ...fields,
  };
}
