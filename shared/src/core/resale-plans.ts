// A resale listing in the ledger: one account per listing holding exactly one unit, so the ledger
// itself decides who may take it — two buyers can never both win, and a lock nobody pays for ends
// by itself (its pending transfer times out). Pure plans and readings, like ledger-plans.ts.
//
//   issuer ──fund 1──▶ listing(L) ──lock 1 (pending, timeout = lock time)──▶ listing_sink
//                       listing(L) ──guard 1 (pending: voided after a new price, posted to withdraw)──▶ listing_sink
//
// listing(L) carries debits_must_not_exceed_credits: a lock, a withdrawal and a price edit each
// need the one unit, so while a buyer holds the lock the seller can neither withdraw nor re-price,
// and after a sale (the lock posted) or a withdrawal nothing can take it again. A buyer's lock is
// linked with a pending unit of their per-fan allowance: resale counts toward the per-fan limit.
import { assert } from "../assert.js";
import { uuidToU128 } from "../ids.js";
import {
  CreateTransferStatus as TS,
  TransferFlags,
  transfer,
  transferStatusName,
  type CreateTransferResult,
  type CreateTransferStatusName,
  type Transfer,
} from "../ledger/types.js";
import { accountId, childTransferId, setupTransferId } from "./ledger-ids.js";
import {
  allowanceFunding,
  chainBreak,
  newAccount,
  settlePending,
  transferCodes,
  type LedgerBatch,
} from "./ledger-plans.js";

export interface ListingRef {
  ledger: number;
  listingId: string;
}

/** The listing's account (and the event's sink, shared by its listings) funded with its one unit. */
export function planListingSetup(ref: ListingRef): LedgerBatch {
  const { ledger, listingId } = ref;
  return {
    accounts: [newAccount("listing", ledger, listingId, true), newAccount("listing_sink", ledger, "", false)],
    transfers: [
      transfer({
        id: setupTransferId("fund_listing", ledger, listingId),
        debit_account_id: accountId("issuer", ledger),
        credit_account_id: accountId("listing", ledger, listingId),
        amount: 1n,
        ledger,
        code: transferCodes.fund_listing,
      }),
    ],
  };
}

/** A first lock ("lock") or, for a payment that arrived after its lock ran out, a second ("late"). */
export type LockSlot = "lock" | "late";

export interface LockRequest extends ListingRef {
  /** The purchase's UUID: every transfer id of its locks derives from it, so a retry answers `exists`. */
  purchaseId: string;
  fanId: string;
  perFanMax: number;
  lockSeconds: number;
  slot: LockSlot;
}

const lockSlots = (slot: LockSlot) => [`${slot}/allowance`, `${slot}/listing`];

/** The buyer's lock: [fund allowance (idempotent, unlinked)] + linked [allowance 1, listing 1], both pending. */
export function planListingLock(req: LockRequest): LedgerBatch {
  const { ledger, purchaseId } = req;
  assert(Number.isInteger(req.lockSeconds) && req.lockSeconds > 0, "lockSeconds must be a positive integer");
  const { allowance, fund } = allowanceFunding(ledger, req.fanId, req.perFanMax);
  const bits = uuidToU128(purchaseId);
  const [allowanceSlot, listingSlot] = lockSlots(req.slot);
  const pending = (slot: string, debit: bigint, credit: bigint, linked: boolean): Transfer =>
    transfer({
      id: childTransferId(purchaseId, slot, bits),
      debit_account_id: debit,
      credit_account_id: credit,
      amount: 1n,
      ledger,
      code: transferCodes.resale_lock,
      user_data_128: bits,
      timeout: req.lockSeconds,
      flags: TransferFlags.pending | (linked ? TransferFlags.linked : 0),
    });
  return {
    accounts: [allowance],
    transfers: [
      fund,
      pending(allowanceSlot!, allowance.id, accountId("allowance_used", ledger), true),
      pending(listingSlot!, accountId("listing", ledger, req.listingId), accountId("listing_sink", ledger), false),
    ],
  };
}

export type LockOutcome =
  | { kind: "locked"; retried: boolean }
  | { kind: "taken" }
  | { kind: "fan_limit_reached" }
  | { kind: "already_failed" }
  | { kind: "rejected"; status: CreateTransferStatusName };

/** Reads the answer to planListingLock's transfers. taken: the unit is locked, sold or withdrawn. */
export function lockOutcome(results: readonly CreateTransferResult[]): LockOutcome {
  assert(results.length === 3, "one result per transfer");
  const fund = results[0]!.status;
  assert(
    fund === TS.created || fund === TS.exists || fund === TS.exists_with_different_amount,
    `allowance funding failed: ${transferStatusName(fund)} (create the accounts first)`,
  );
  const broken = chainBreak(results.slice(1));
  if (broken === null) return { kind: "locked", retried: false };
  if (broken.index === 0 && broken.status === TS.exists) return { kind: "locked", retried: true };
  if (broken.status === TS.id_already_failed) return { kind: "already_failed" };
  if (broken.status === TS.exceeds_credits)
    return broken.index === 0 ? { kind: "fan_limit_reached" } : { kind: "taken" };
  return { kind: "rejected", status: transferStatusName(broken.status) };
}

/** Pays (post) or releases (void) a lock, all or nothing; read the answer with settleOutcome. */
export function planLockSettle(purchaseId: string, slot: LockSlot, verb: "post" | "void"): Transfer[] {
  return settlePending(purchaseId, lockSlots(slot), verb, `${slot}/`);
}

/** How long a seller's guard holds the unit if the server dies before ending it. */
export const guardSeconds = 5;

/**
 * A seller's change (a new price, a withdrawal) takes the unit for a moment, pending under the
 * change's own id, so no buyer can lock the listing while it changes; exceeds_credits means a
 * buyer holds the lock (or the listing is gone). Each change has a fresh id: a failed transfer's
 * id can never be used again (TigerBeetle answers id_already_failed), so a fixed id per listing
 * would refuse the seller for good after one refusal.
 */
export function planGuard(ref: ListingRef, guardId: string): Transfer {
  return transfer({
    id: childTransferId(guardId, "guard"),
    debit_account_id: accountId("listing", ref.ledger, ref.listingId),
    credit_account_id: accountId("listing_sink", ref.ledger),
    amount: 1n,
    ledger: ref.ledger,
    code: transferCodes.listing_guard,
    timeout: guardSeconds,
    flags: TransferFlags.pending,
  });
}

/** Ends a guard: void gives the unit back (a new price), post takes it for good (a withdrawal). */
export function planGuardEnd(guardId: string, verb: "post" | "void"): Transfer[] {
  return settlePending(guardId, ["guard"], verb);
}

/** Whether a single transfer (funding, a guard) went through now or before. */
export function singleOutcome(result: CreateTransferResult | undefined): "done" | "taken" | CreateTransferStatusName {
  assert(result !== undefined, "one result per transfer");
  if (result.status === TS.created || result.status === TS.exists) return "done";
  if (result.status === TS.exceeds_credits) return "taken";
  return transferStatusName(result.status);
}
