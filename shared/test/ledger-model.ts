// TEST ORACLE ONLY — never used by production code. A tiny in-memory ledger with TigerBeetle's
// semantics (the subset Stampede uses: linked chains, pending transfers with timeouts, post,
// void, balance limits, idempotent ids, failed ids), written for obviousness, not speed. The
// conformance suite runs against it too, and property tests compare the real backends to it.
// Like the PostgreSQL ledger, it expires a due pending transfer before any request or read
// that comes after its timeout. Unsupported flags (imported, closing, balancing) are asserted.
import { assert } from "../src/assert.js";
import type { Ledger } from "../src/ledger/port.js";
import {
  AccountFlags as AF,
  CreateAccountStatus as AS,
  CreateTransferStatus as TS,
  TransferFlags as TF,
  hasFlag,
  transientTransferStatuses,
  u128Max,
  type Account,
  type CreateAccountResult,
  type CreateAccountStatus,
  type CreateTransferResult,
  type CreateTransferStatus,
  type Transfer,
} from "../src/ledger/types.js";

type PendingStatus = "pending" | "posted" | "voided" | "expired";
type Undo = () => void;

const nsPerSecond = 1_000_000_000n;
const timestampMax = (1n << 63n) - 1n;
const transferFlagsKnown = 0x1ff;
const accountFlagsKnown = 0x3f;

export interface LedgerModelOptions {
  /** Wall clock in nanoseconds; tests with real waiting use the default. */
  nowNs?: () => bigint;
}

export function createLedgerModel(options: LedgerModelOptions = {}): LedgerModel {
  return new LedgerModel(options.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n));
}

export class LedgerModel implements Ledger {
  readonly accounts = new Map<bigint, Account>();
  readonly transfers = new Map<bigint, Transfer>();
  readonly pendingStatus = new Map<bigint, PendingStatus>();
  readonly failedIds = new Set<bigint>();
  private lastTimestamp = 0n;

  constructor(private readonly nowNs: () => bigint) {}

  async createAccounts(batch: readonly Account[]): Promise<CreateAccountResult[]> {
    const base = this.tick(batch.length);
    return this.applyBatch(
      batch,
      base,
      AS.created,
      AS.linked_event_failed,
      AS.linked_event_chain_open,
      (a, ts, undo) => {
        const status = this.createAccount(a, ts, undo);
        return { status, timestamp: status === AS.exists ? this.accounts.get(a.id)!.timestamp : ts };
      },
    );
  }

  async createTransfers(batch: readonly Transfer[]): Promise<CreateTransferResult[]> {
    const base = this.tick(batch.length);
    this.expireDue(base + BigInt(batch.length));
    return this.applyBatch(
      batch,
      base,
      TS.created,
      TS.linked_event_failed,
      TS.linked_event_chain_open,
      (t, ts, undo) => {
        const status = this.createTransfer(t, ts, undo);
        if (status !== TS.created && transientTransferStatuses.has(status)) this.failedIds.add(t.id);
        return { status, timestamp: status === TS.exists ? this.transfers.get(t.id)!.timestamp : ts };
      },
    );
  }

  async lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    this.expireDue(this.now());
    return ids.flatMap((id) => (this.accounts.has(id) ? [{ ...this.accounts.get(id)! }] : []));
  }

  async lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    return ids.flatMap((id) => (this.transfers.has(id) ? [{ ...this.transfers.get(id)! }] : []));
  }

  async close(): Promise<void> {}

  private now(): bigint {
    return this.nowNs() > this.lastTimestamp ? this.nowNs() : this.lastTimestamp;
  }

  /** Reserves n timestamps; returns the one before the first. */
  private tick(n: number): bigint {
    const base = this.now();
    this.lastTimestamp = base + BigInt(n);
    return base;
  }

  private expireDue(cutoff: bigint): void {
    for (const [id, status] of this.pendingStatus) {
      const p = this.transfers.get(id)!;
      if (status !== "pending" || p.timeout === 0 || expiresAt(p) > cutoff) continue;
      this.pendingStatus.set(id, "expired");
      this.accounts.get(p.debit_account_id)!.debits_pending -= p.amount;
      this.accounts.get(p.credit_account_id)!.credits_pending -= p.amount;
    }
  }

  /** Linked chains: all or nothing, the first failure keeps its own code, the rest linked_event_failed. */
  private applyBatch<E extends { flags: number }, S extends number>(
    batch: readonly E[],
    base: bigint,
    created: S,
    linkedFailed: S,
    chainOpen: S,
    apply: (event: E, ts: bigint, undo: Undo[]) => { status: S; timestamp: bigint },
  ): { status: S; timestamp: bigint }[] {
    const results: { status: S; timestamp: bigint }[] = [];
    let chainStart: number | null = null;
    let chainBroken = false;
    let undo: Undo[] = [];
    batch.forEach((event, index) => {
      const ts = base + BigInt(index) + 1n;
      const linked = hasFlag(event.flags, AF.linked);
      if (linked && chainStart === null) chainStart = index;
      let result: { status: S; timestamp: bigint };
      if (linked && index === batch.length - 1) result = { status: chainOpen, timestamp: ts };
      else if (chainBroken) result = { status: linkedFailed, timestamp: ts };
      else result = apply(event, ts, chainStart === null ? [] : undo);
      if (result.status !== created && result.status !== linkedFailed && chainStart !== null && !chainBroken) {
        // The chain breaks here: roll back its events in reverse and mark them failed.
        chainBroken = true;
        for (const u of undo.reverse()) u();
        undo = [];
        for (let i = chainStart; i < index; i++)
          results[i] = { status: linkedFailed, timestamp: results[i]!.timestamp };
      }
      results.push(result);
      if (chainStart !== null && (!linked || result.status === chainOpen)) {
        chainStart = null;
        chainBroken = false;
        undo = [];
      }
    });
    return results;
  }

  private createAccount(a: Account, ts: bigint, undo: Undo[]): CreateAccountStatus {
    assert(
      !hasFlag(a.flags, AF.imported) && !hasFlag(a.flags, AF.closed),
      "imported/closed accounts are not supported",
    );
    if (a.timestamp !== 0n) return AS.timestamp_must_be_zero;
    if (a.reserved !== 0) return AS.reserved_field;
    if ((a.flags & ~accountFlagsKnown) !== 0) return AS.reserved_flag;
    if (a.id === 0n) return AS.id_must_not_be_zero;
    if (a.id === u128Max) return AS.id_must_not_be_int_max;
    const e = this.accounts.get(a.id);
    if (e !== undefined) {
      if (a.flags !== e.flags) return AS.exists_with_different_flags;
      if (a.user_data_128 !== e.user_data_128) return AS.exists_with_different_user_data_128;
      if (a.user_data_64 !== e.user_data_64) return AS.exists_with_different_user_data_64;
      if (a.user_data_32 !== e.user_data_32) return AS.exists_with_different_user_data_32;
      if (a.ledger !== e.ledger) return AS.exists_with_different_ledger;
      if (a.code !== e.code) return AS.exists_with_different_code;
      return AS.exists;
    }
    const bothLimits = AF.debits_must_not_exceed_credits | AF.credits_must_not_exceed_debits;
    if ((a.flags & bothLimits) === bothLimits) return AS.flags_are_mutually_exclusive;
    if (a.debits_pending !== 0n) return AS.debits_pending_must_be_zero;
    if (a.debits_posted !== 0n) return AS.debits_posted_must_be_zero;
    if (a.credits_pending !== 0n) return AS.credits_pending_must_be_zero;
    if (a.credits_posted !== 0n) return AS.credits_posted_must_be_zero;
    if (a.ledger === 0) return AS.ledger_must_not_be_zero;
    if (a.code === 0) return AS.code_must_not_be_zero;
    this.accounts.set(a.id, { ...a, timestamp: ts });
    undo.push(() => this.accounts.delete(a.id));
    return AS.created;
  }

  private createTransfer(t: Transfer, ts: bigint, undo: Undo[]): CreateTransferStatus {
    const unsupported = TF.imported | TF.closing_debit | TF.closing_credit | TF.balancing_debit | TF.balancing_credit;
    assert((t.flags & unsupported) === 0, "imported/closing/balancing transfers are not supported");
    if (t.timestamp !== 0n) return TS.timestamp_must_be_zero;
    if ((t.flags & ~transferFlagsKnown) !== 0) return TS.reserved_flag;
    if (t.id === 0n) return TS.id_must_not_be_zero;
    if (t.id === u128Max) return TS.id_must_not_be_int_max;
    const e = this.transfers.get(t.id);
    if (e !== undefined) return this.transferExists(t, e);
    if (this.failedIds.has(t.id)) return TS.id_already_failed;
    if (hasFlag(t.flags, TF.post_pending_transfer | TF.void_pending_transfer)) return this.postOrVoid(t, ts, undo);
    if (t.debit_account_id === 0n) return TS.debit_account_id_must_not_be_zero;
    if (t.debit_account_id === u128Max) return TS.debit_account_id_must_not_be_int_max;
    if (t.credit_account_id === 0n) return TS.credit_account_id_must_not_be_zero;
    if (t.credit_account_id === u128Max) return TS.credit_account_id_must_not_be_int_max;
    if (t.credit_account_id === t.debit_account_id) return TS.accounts_must_be_different;
    if (t.pending_id !== 0n) return TS.pending_id_must_be_zero;
    const pending = hasFlag(t.flags, TF.pending);
    if (!pending && t.timeout !== 0) return TS.timeout_reserved_for_pending_transfer;
    if (t.ledger === 0) return TS.ledger_must_not_be_zero;
    if (t.code === 0) return TS.code_must_not_be_zero;
    const dr = this.accounts.get(t.debit_account_id);
    if (dr === undefined) return TS.debit_account_not_found;
    const cr = this.accounts.get(t.credit_account_id);
    if (cr === undefined) return TS.credit_account_not_found;
    if (dr.ledger !== cr.ledger) return TS.accounts_must_have_the_same_ledger;
    if (t.ledger !== dr.ledger) return TS.transfer_must_have_the_same_ledger_as_accounts;
    const a = t.amount;
    if (pending && a + dr.debits_pending > u128Max) return TS.overflows_debits_pending;
    if (pending && a + cr.credits_pending > u128Max) return TS.overflows_credits_pending;
    if (a + dr.debits_posted > u128Max) return TS.overflows_debits_posted;
    if (a + cr.credits_posted > u128Max) return TS.overflows_credits_posted;
    if (a + dr.debits_pending + dr.debits_posted > u128Max) return TS.overflows_debits;
    if (a + cr.credits_pending + cr.credits_posted > u128Max) return TS.overflows_credits;
    if (ts + BigInt(t.timeout) * nsPerSecond > timestampMax) return TS.overflows_timeout;
    const drLimited = hasFlag(dr.flags, AF.debits_must_not_exceed_credits);
    if (drLimited && dr.debits_pending + dr.debits_posted + a > dr.credits_posted) return TS.exceeds_credits;
    const crLimited = hasFlag(cr.flags, AF.credits_must_not_exceed_debits);
    if (crLimited && cr.credits_pending + cr.credits_posted + a > cr.debits_posted) return TS.exceeds_debits;
    this.move(dr, cr, pending ? "pending" : "posted", a, undo);
    this.insert({ ...t, timestamp: ts }, undo);
    if (pending) {
      this.pendingStatus.set(t.id, "pending");
      undo.push(() => this.pendingStatus.delete(t.id));
    }
    return TS.created;
  }

  private postOrVoid(t: Transfer, ts: bigint, undo: Undo[]): CreateTransferStatus {
    const post = hasFlag(t.flags, TF.post_pending_transfer);
    if (post && hasFlag(t.flags, TF.void_pending_transfer)) return TS.flags_are_mutually_exclusive;
    if (hasFlag(t.flags, TF.pending)) return TS.flags_are_mutually_exclusive;
    if (t.pending_id === 0n) return TS.pending_id_must_not_be_zero;
    if (t.pending_id === u128Max) return TS.pending_id_must_not_be_int_max;
    if (t.pending_id === t.id) return TS.pending_id_must_be_different;
    if (t.timeout !== 0) return TS.timeout_reserved_for_pending_transfer;
    const p = this.transfers.get(t.pending_id);
    if (p === undefined) return TS.pending_transfer_not_found;
    if (!hasFlag(p.flags, TF.pending)) return TS.pending_transfer_not_pending;
    if (t.debit_account_id !== 0n && t.debit_account_id !== p.debit_account_id)
      return TS.pending_transfer_has_different_debit_account_id;
    if (t.credit_account_id !== 0n && t.credit_account_id !== p.credit_account_id)
      return TS.pending_transfer_has_different_credit_account_id;
    if (t.ledger !== 0 && t.ledger !== p.ledger) return TS.pending_transfer_has_different_ledger;
    if (t.code !== 0 && t.code !== p.code) return TS.pending_transfer_has_different_code;
    const amount = post ? (t.amount === u128Max ? p.amount : t.amount) : t.amount > 0n ? t.amount : p.amount;
    if (amount > p.amount) return TS.exceeds_pending_transfer_amount;
    if (!post && amount < p.amount) return TS.pending_transfer_has_different_amount;
    const status = this.pendingStatus.get(p.id);
    if (status === "posted") return TS.pending_transfer_already_posted;
    if (status === "voided") return TS.pending_transfer_already_voided;
    if (status === "expired" || (p.timeout > 0 && expiresAt(p) <= ts)) return TS.pending_transfer_expired;
    const dr = this.accounts.get(p.debit_account_id)!;
    const cr = this.accounts.get(p.credit_account_id)!;
    this.move(dr, cr, "pending", -p.amount, undo);
    if (post) this.move(dr, cr, "posted", amount, undo);
    this.pendingStatus.set(p.id, post ? "posted" : "voided");
    undo.push(() => this.pendingStatus.set(p.id, "pending"));
    const pick = <T>(mine: T, theirs: T, zero: T): T => (mine !== zero ? mine : theirs);
    this.insert(
      {
        ...t,
        debit_account_id: p.debit_account_id,
        credit_account_id: p.credit_account_id,
        amount,
        user_data_128: pick(t.user_data_128, p.user_data_128, 0n),
        user_data_64: pick(t.user_data_64, p.user_data_64, 0n),
        user_data_32: pick(t.user_data_32, p.user_data_32, 0),
        ledger: p.ledger,
        code: p.code,
        timestamp: ts,
      },
      undo,
    );
    return TS.created;
  }

  private transferExists(t: Transfer, e: Transfer): CreateTransferStatus {
    if (t.flags !== e.flags) return TS.exists_with_different_flags;
    if (t.pending_id !== e.pending_id) return TS.exists_with_different_pending_id;
    if (t.timeout !== e.timeout) return TS.exists_with_different_timeout;
    // A post/void may leave fields zero ("as in the pending transfer"): compare what they stand for.
    const p = hasFlag(t.flags, TF.post_pending_transfer | TF.void_pending_transfer)
      ? this.transfers.get(t.pending_id)!
      : null;
    const differs = <T>(mine: T, zero: T, existing: T, whenZero: T | undefined) =>
      (p !== null && mine === zero ? whenZero : mine) !== existing;
    const fullAmount = hasFlag(t.flags, TF.post_pending_transfer) ? u128Max : 0n;
    if (differs(t.debit_account_id, 0n, e.debit_account_id, e.debit_account_id))
      return TS.exists_with_different_debit_account_id;
    if (differs(t.credit_account_id, 0n, e.credit_account_id, e.credit_account_id))
      return TS.exists_with_different_credit_account_id;
    if (differs(t.amount, fullAmount, e.amount, p?.amount)) return TS.exists_with_different_amount;
    if (differs(t.user_data_128, 0n, e.user_data_128, p?.user_data_128)) return TS.exists_with_different_user_data_128;
    if (differs(t.user_data_64, 0n, e.user_data_64, p?.user_data_64)) return TS.exists_with_different_user_data_64;
    if (differs(t.user_data_32, 0, e.user_data_32, p?.user_data_32)) return TS.exists_with_different_user_data_32;
    if (differs(t.ledger, 0, e.ledger, e.ledger)) return TS.exists_with_different_ledger;
    if (differs(t.code, 0, e.code, e.code)) return TS.exists_with_different_code;
    return TS.exists;
  }

  private move(dr: Account, cr: Account, field: "pending" | "posted", amount: bigint, undo: Undo[]): void {
    const debit = field === "pending" ? "debits_pending" : "debits_posted";
    const credit = field === "pending" ? "credits_pending" : "credits_posted";
    dr[debit] += amount;
    cr[credit] += amount;
    undo.push(() => {
      dr[debit] -= amount;
      cr[credit] -= amount;
    });
  }

  private insert(t: Transfer, undo: Undo[]): void {
    this.transfers.set(t.id, t);
    undo.push(() => this.transfers.delete(t.id));
  }
}

function expiresAt(p: Transfer): bigint {
  return p.timestamp + BigInt(p.timeout) * nsPerSecond;
}
