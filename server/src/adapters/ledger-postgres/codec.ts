// Between the ledger's bigint objects and the SQL functions' arrays. u128 ids travel as uuid text,
// u128 amounts and u64 user data as numeric text, so nothing is rounded on the way. Arrays are
// sent as ready-made array literals ('{a,b,c}'): their elements (hex, dashes, digits) never need
// quoting, and node-pg's generic array escaping costs ~1 µs an element — more than the batch
// function itself spends on it.
// Field ranges are asserted here: an out-of-range field is a bug in the caller (TigerBeetle's
// client would refuse it too), not an outcome.
import { assert } from "@stampede/shared/assert";
import {
  AccountFlags,
  CreateAccountStatus,
  CreateTransferStatus,
  TransferFlags,
  u128Max,
  type Account,
  type CreateAccountResult,
  type CreateTransferResult,
  type Transfer,
} from "@stampede/shared/ledger/types";

const u64Max = (1n << 64n) - 1n;
const u32Max = 0xffff_ffff;
const u16Max = 0xffff;

const zeroText = "00000000000000000000000000000000";

/** A u128 as uuid input text: 32 hex digits (PostgreSQL reads uuids with or without dashes). */
export function u128ToText(value: bigint): string {
  if (value === 0n) return zeroText;
  assert(value > 0n && value <= u128Max, "u128 out of range");
  return value.toString(16).padStart(32, "0");
}

export function textToU128(text: string): bigint {
  return BigInt(`0x${text.replaceAll("-", "")}`);
}

function checkInt(value: number, max: number, field: string): number {
  assert(Number.isInteger(value) && value >= 0 && value <= max, `${field} out of range: ${value}`);
  return value;
}

function checkU64(value: bigint, field: string): string {
  assert(value >= 0n && value <= u64Max, `${field} out of range`);
  return value.toString();
}

function checkU128(value: bigint, field: string): string {
  assert(value >= 0n && value <= u128Max, `${field} out of range`);
  return value.toString();
}

const transferFlagsUnsupported =
  TransferFlags.balancing_debit |
  TransferFlags.balancing_credit |
  TransferFlags.closing_debit |
  TransferFlags.closing_credit |
  TransferFlags.imported;
const accountFlagsUnsupported = AccountFlags.imported | AccountFlags.closed;

/** A PostgreSQL array literal of elements that need no quoting (uuids, integers). */
export function arrayLiteral(elements: readonly (string | number)[]): string {
  return `{${elements.join(",")}}`;
}

/** The 13 array parameters of ledger_create_transfers, in order, as array literals. */
export function transferParams(batch: readonly Transfer[]): string[] {
  const cols: (string | number)[][] = Array.from({ length: 13 }, () => new Array<string | number>(batch.length));
  batch.forEach((t, i) => {
    assert(
      (t.flags & transferFlagsUnsupported) === 0,
      "balancing, closing and imported transfers are not supported by the PostgreSQL ledger",
    );
    cols[0]![i] = u128ToText(t.id);
    cols[1]![i] = u128ToText(t.debit_account_id);
    cols[2]![i] = u128ToText(t.credit_account_id);
    cols[3]![i] = checkU128(t.amount, "amount");
    cols[4]![i] = u128ToText(t.pending_id);
    cols[5]![i] = u128ToText(t.user_data_128);
    cols[6]![i] = checkU64(t.user_data_64, "user_data_64");
    cols[7]![i] = checkInt(t.user_data_32, u32Max, "user_data_32");
    cols[8]![i] = checkInt(t.timeout, u32Max, "timeout");
    cols[9]![i] = checkInt(t.ledger, u32Max, "ledger");
    cols[10]![i] = checkInt(t.code, u16Max, "code");
    cols[11]![i] = checkInt(t.flags, u16Max, "flags");
    cols[12]![i] = checkU64(t.timestamp, "timestamp");
  });
  return cols.map(arrayLiteral);
}

/** The 13 array parameters of ledger_create_accounts, in order, as array literals. */
export function accountParams(batch: readonly Account[]): string[] {
  const cols: (string | number)[][] = Array.from({ length: 13 }, () => new Array<string | number>(batch.length));
  batch.forEach((a, i) => {
    assert(
      (a.flags & accountFlagsUnsupported) === 0,
      "imported and closed accounts are not supported by the PostgreSQL ledger",
    );
    cols[0]![i] = u128ToText(a.id);
    cols[1]![i] = checkU128(a.debits_pending, "debits_pending");
    cols[2]![i] = checkU128(a.debits_posted, "debits_posted");
    cols[3]![i] = checkU128(a.credits_pending, "credits_pending");
    cols[4]![i] = checkU128(a.credits_posted, "credits_posted");
    cols[5]![i] = u128ToText(a.user_data_128);
    cols[6]![i] = checkU64(a.user_data_64, "user_data_64");
    cols[7]![i] = checkInt(a.user_data_32, u32Max, "user_data_32");
    cols[8]![i] = checkInt(a.reserved, u32Max, "reserved");
    cols[9]![i] = checkInt(a.ledger, u32Max, "ledger");
    cols[10]![i] = checkInt(a.code, u16Max, "code");
    cols[11]![i] = checkInt(a.flags, u16Max, "flags");
    cols[12]![i] = checkU64(a.timestamp, "timestamp");
  });
  return cols.map(arrayLiteral);
}

interface BatchRow {
  statuses: number[];
  timestamps: string[];
}

// The SQL functions say 0 for `created`; TigerBeetle 0.17 says 0xFFFFFFFF.
export function transferResults(row: BatchRow): CreateTransferResult[] {
  return row.statuses.map((s, i) => ({
    status: (s === 0 ? CreateTransferStatus.created : s) as CreateTransferResult["status"],
    timestamp: BigInt(row.timestamps[i]!),
  }));
}

export function accountResults(row: BatchRow): CreateAccountResult[] {
  return row.statuses.map((s, i) => ({
    status: (s === 0 ? CreateAccountStatus.created : s) as CreateAccountResult["status"],
    timestamp: BigInt(row.timestamps[i]!),
  }));
}

export interface AccountRow {
  id: string;
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
  user_data_128: string;
  user_data_64: string;
  user_data_32: string;
  ledger: string;
  code: number;
  flags: number;
  timestamp: string;
}

export function accountFromRow(r: AccountRow): Account {
  return {
    id: textToU128(r.id),
    debits_pending: BigInt(r.debits_pending),
    debits_posted: BigInt(r.debits_posted),
    credits_pending: BigInt(r.credits_pending),
    credits_posted: BigInt(r.credits_posted),
    user_data_128: textToU128(r.user_data_128),
    user_data_64: BigInt(r.user_data_64),
    user_data_32: Number(r.user_data_32),
    reserved: 0,
    ledger: Number(r.ledger),
    code: r.code,
    flags: r.flags,
    timestamp: BigInt(r.timestamp),
  };
}

export interface TransferRow {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  pending_id: string;
  user_data_128: string;
  user_data_64: string;
  user_data_32: string;
  timeout: string;
  ledger: string;
  code: number;
  flags: number;
  timestamp: string;
}

export function transferFromRow(r: TransferRow): Transfer {
  return {
    id: textToU128(r.id),
    debit_account_id: textToU128(r.debit_account_id),
    credit_account_id: textToU128(r.credit_account_id),
    amount: BigInt(r.amount),
    pending_id: textToU128(r.pending_id),
    user_data_128: textToU128(r.user_data_128),
    user_data_64: BigInt(r.user_data_64),
    user_data_32: Number(r.user_data_32),
    timeout: Number(r.timeout),
    ledger: Number(r.ledger),
    code: r.code,
    flags: r.flags,
    timestamp: BigInt(r.timestamp),
  };
}
