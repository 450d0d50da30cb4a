// Tickets as accounts and transfers: the pure account layout and batch builders, and the
// readings of the ledger's answers as tagged outcomes. No I/O; any backend runs the plans.
//
//   issuer ──fund perFanMax──▶ allowance(fan) ──hold q (pending)──▶ allowance_used
//   operator(tier) ──fund capacity──▶ budget(tier) ──hold q (pending)──▶ spent(tier)
//   operator(tier) ◀──lower capacity── budget(tier)      (an edit; raising is another fund)
//   issuer ──fund N──▶ perk_budget ──grant 1──▶ perk_granted
//   issuer ──fund uses──▶ code(id) ──hold 1 (pending)──▶ code_used      (a presale or promo code)
//
// budget, allowance, perk_budget and code carry debits_must_not_exceed_credits: that flag is the
// stock check, made by the ledger in the same step as the write.
// A hold is [fund allowance (idempotent, unlinked)] + linked chain [allowance pending,
// one pending per tier, the code's use if one is given]: the per-fan limit, every tier's stock and
// the code's uses are checked all or nothing.
import { assert } from "../assert.js";
import { holdSecondsMax, holdSecondsMin } from "../limits.js";
import {
  AccountFlags,
  CreateTransferStatus as TS,
  TransferFlags,
  account,
  amountMax,
  transfer,
  transferStatusName,
  type Account,
  type CreateTransferResult,
  type CreateTransferStatusName,
  type Transfer,
} from "../ledger/types.js";
import { uuidToU128 } from "../ids.js";
import { accountId, childTransferId, referenceBits, setupTransferId } from "./ledger-ids.js";

export const accountCodes = {
  operator: 1,
  budget: 2,
  spent: 3,
  perk_budget: 4,
  perk_granted: 5,
  issuer: 6,
  allowance: 7,
  allowance_used: 8,
  listing: 9,
  listing_sink: 10,
  code: 11,
  code_used: 12,
} as const;

export const transferCodes = {
  fund_budget: 1,
  fund_perk: 2,
  fund_allowance: 3,
  hold_tier: 10,
  hold_allowance: 11,
  perk_grant: 20,
  capacity_raise: 40,
  capacity_lower: 41,
  fund_listing: 50,
  resale_lock: 51,
  listing_guard: 52,
  fund_code: 60,
  hold_code: 61,
} as const;

export interface EventLedgerSpec {
  ledger: number;
  tiers: readonly { tierId: string; capacity: number }[];
  perks: readonly { perkId: string; capacity: number }[];
}

export interface LedgerBatch {
  accounts: Account[];
  transfers: Transfer[];
}

function quantity(n: number, what: string): bigint {
  assert(Number.isSafeInteger(n) && n > 0, `${what} must be a positive integer, got ${n}`);
  return BigInt(n);
}

export function newAccount(kind: keyof typeof accountCodes, ledger: number, key: string, limited: boolean): Account {
  return account({
    id: accountId(kind, ledger, key),
    ledger,
    code: accountCodes[kind],
    user_data_128: referenceBits(key),
    flags: limited ? AccountFlags.debits_must_not_exceed_credits : AccountFlags.none,
  });
}

/** Every account of an event and the transfers that fund its budgets; re-running it gives `exists`. */
export function planEventSetup(spec: EventLedgerSpec): LedgerBatch {
  const { ledger } = spec;
  const accounts = [newAccount("issuer", ledger, "", false), newAccount("allowance_used", ledger, "", false)];
  const transfers: Transfer[] = [];
  for (const { tierId, capacity } of spec.tiers) {
    accounts.push(
      newAccount("operator", ledger, tierId, false),
      newAccount("budget", ledger, tierId, true),
      newAccount("spent", ledger, tierId, false),
    );
    transfers.push(
      transfer({
        id: setupTransferId("fund_budget", ledger, tierId),
        debit_account_id: accountId("operator", ledger, tierId),
        credit_account_id: accountId("budget", ledger, tierId),
        amount: quantity(capacity, "capacity"),
        ledger,
        code: transferCodes.fund_budget,
      }),
    );
  }
  for (const { perkId, capacity } of spec.perks) {
    accounts.push(newAccount("perk_budget", ledger, perkId, true), newAccount("perk_granted", ledger, perkId, false));
    transfers.push(
      transfer({
        id: setupTransferId("fund_perk", ledger, perkId),
        debit_account_id: accountId("issuer", ledger),
        credit_account_id: accountId("perk_budget", ledger, perkId),
        amount: quantity(capacity, "perk capacity"),
        ledger,
        code: transferCodes.fund_perk,
      }),
    );
  }
  return { accounts, transfers };
}

export interface HoldRequest {
  ledger: number;
  /** The hold's own UUID (the order id); every transfer id of the hold derives from it. */
  holdId: string;
  fanId: string;
  perFanMax: number;
  holdSeconds: number;
  items: readonly { tierId: string; quantity: number }[];
  /** A presale or promo code the hold is placed with: one of its uses is held with the tickets. */
  codeId?: string | null | undefined;
}

export interface HoldRef {
  ledger: number;
  holdId: string;
  tierIds: readonly string[];
  codeId?: string | null | undefined;
}

export interface HoldPlan extends LedgerBatch {
  hold: HoldRef;
}

/**
 * A hold. Send `accounts` first (created or exists, both fine), then `transfers`: the fan's
 * allowance is funded once (its id is fixed per fan, so later holds get `exists`), then the
 * linked chain places the pending transfers. A failed hold needs a new holdId to try again.
 */
export function planHold(req: HoldRequest): HoldPlan {
  const { ledger, holdId, fanId } = req;
  assert(req.items.length > 0, "a hold needs at least one tier");
  assert(new Set(req.items.map((i) => i.tierId)).size === req.items.length, "one line per tier");
  assert(
    Number.isInteger(req.holdSeconds) && req.holdSeconds >= holdSecondsMin && req.holdSeconds <= holdSecondsMax,
    "holdSeconds out of range",
  );
  const { allowance, fund } = allowanceFunding(ledger, fanId, req.perFanMax);
  const total = req.items.reduce((sum, i) => sum + quantity(i.quantity, "quantity"), 0n);
  const holdBits = uuidToU128(holdId);
  const pending = (slot: string, debit: bigint, credit: bigint, amount: bigint, code: number): Transfer =>
    transfer({
      id: childTransferId(holdId, slot, holdBits),
      debit_account_id: debit,
      credit_account_id: credit,
      amount,
      ledger,
      code,
      user_data_128: holdBits,
      timeout: req.holdSeconds,
      flags: TransferFlags.pending | TransferFlags.linked,
    });
  const chain = [
    pending("allowance", allowance.id, accountId("allowance_used", ledger), total, transferCodes.hold_allowance),
    ...req.items.map((i) =>
      pending(
        `tier/${i.tierId}`,
        accountId("budget", ledger, i.tierId),
        accountId("spent", ledger, i.tierId),
        BigInt(i.quantity),
        transferCodes.hold_tier,
      ),
    ),
  ];
  if (req.codeId) {
    const use = accountId("code", ledger, req.codeId);
    chain.push(pending("code", use, accountId("code_used", ledger), 1n, transferCodes.hold_code));
  }
  chain[chain.length - 1]!.flags &= ~TransferFlags.linked;
  return {
    accounts: [allowance],
    transfers: [fund, ...chain],
    hold: { ledger, holdId, tierIds: req.items.map((i) => i.tierId), codeId: req.codeId ?? null },
  };
}

/** A code's accounts (made once per event: code_used; once per code: code) and the funding of its uses. */
export function planCodeFunding(ledger: number, codes: readonly { codeId: string; uses: number }[]): LedgerBatch {
  return {
    accounts: [
      newAccount("issuer", ledger, "", false),
      newAccount("code_used", ledger, "", false),
      ...codes.map((c) => newAccount("code", ledger, c.codeId, true)),
    ],
    transfers: codes.map((c) =>
      transfer({
        id: setupTransferId("fund_code", ledger, c.codeId),
        debit_account_id: accountId("issuer", ledger),
        credit_account_id: accountId("code", ledger, c.codeId),
        amount: quantity(c.uses, "code uses"),
        ledger,
        code: transferCodes.fund_code,
      }),
    ),
  };
}

/** A fan's allowance account and the transfer that funds it with the per-fan limit (once per fan:
 * later fundings answer `exists`, or exists_with_different_amount after the limit changed). */
export function allowanceFunding(
  ledger: number,
  fanId: string,
  perFanMax: number,
): { allowance: Account; fund: Transfer } {
  const allowance = newAccount("allowance", ledger, fanId, true);
  const fund = transfer({
    id: setupTransferId("fund_allowance", ledger, fanId),
    debit_account_id: accountId("issuer", ledger),
    credit_account_id: allowance.id,
    amount: quantity(perFanMax, "perFanMax"),
    ledger,
    code: transferCodes.fund_allowance,
  });
  return { allowance, fund };
}

function settleChain(hold: HoldRef, verb: "post" | "void"): Transfer[] {
  const slots = ["allowance", ...hold.tierIds.map((t) => `tier/${t}`), ...(hold.codeId ? ["code"] : [])];
  return settlePending(hold.holdId, slots, verb);
}

/** Posts or voids, all or nothing, the pending transfers placed under `parentId` with these slots;
 * the settling transfers' own slots are `<prefix><verb>/<i>`. */
export function settlePending(
  parentId: string,
  slots: readonly string[],
  verb: "post" | "void",
  prefix = "",
): Transfer[] {
  const pendingIds = slots.map((slot) => childTransferId(parentId, slot));
  const flag = verb === "post" ? TransferFlags.post_pending_transfer : TransferFlags.void_pending_transfer;
  return pendingIds.map((pendingId, i) =>
    transfer({
      id: childTransferId(parentId, `${prefix}${verb}/${i}`),
      pending_id: pendingId,
      // Posting amount_max posts the whole pending amount; voiding 0 voids all of it.
      amount: verb === "post" ? amountMax : 0n,
      flags: flag | (i < pendingIds.length - 1 ? TransferFlags.linked : 0),
    }),
  );
}

/** Paying: posts every pending transfer of the hold, all or nothing. Retrying gives `exists`. */
export function planPost(hold: HoldRef): Transfer[] {
  return settleChain(hold, "post");
}

/** Declined or cancelled: voids every pending transfer of the hold, all or nothing. */
export function planVoid(hold: HoldRef): Transfer[] {
  return settleChain(hold, "void");
}

/** A perk for a paid order: one unit, once per (order, perk); fails with exceeds_credits when none are left. */
export function planPerkGrant(req: { ledger: number; perkId: string; orderId: string }): Transfer {
  return transfer({
    id: childTransferId(req.orderId, `perk/${req.perkId}`),
    debit_account_id: accountId("perk_budget", req.ledger, req.perkId),
    credit_account_id: accountId("perk_granted", req.ledger, req.perkId),
    amount: 1n,
    ledger: req.ledger,
    code: transferCodes.perk_grant,
    user_data_128: referenceBits(req.orderId),
  });
}

export interface CapacityChange {
  ledger: number;
  /** The edit's own UUID: every transfer id of the change derives from it. */
  editId: string;
  /** Per tier, how much to add (> 0) or take away (< 0); zeros are left out. */
  deltas: readonly { tierId: string; delta: number }[];
}

/**
 * Changes tiers' capacities in one linked batch (all or nothing). Raising funds the budget from
 * the operator, as set-up does; lowering moves unsold stock back to the operator, and the budget's
 * debits_must_not_exceed_credits refuses it (exceeds_credits) when less than that is available —
 * so the capacity never drops below sold + held, whatever holds race with it.
 */
export function planCapacityChange(change: CapacityChange): Transfer[] {
  const { ledger, editId } = change;
  const deltas = change.deltas.filter((d) => d.delta !== 0);
  const bits = uuidToU128(editId);
  const transfers = deltas.map(({ tierId, delta }) => {
    const [from, to] = delta > 0 ? (["operator", "budget"] as const) : (["budget", "operator"] as const);
    return transfer({
      id: childTransferId(editId, `capacity/${tierId}`, bits),
      debit_account_id: accountId(from, ledger, tierId),
      credit_account_id: accountId(to, ledger, tierId),
      amount: quantity(Math.abs(delta), "capacity change"),
      ledger,
      code: delta > 0 ? transferCodes.capacity_raise : transferCodes.capacity_lower,
      user_data_128: bits,
      flags: TransferFlags.linked,
    });
  });
  if (transfers.length > 0) transfers[transfers.length - 1]!.flags &= ~TransferFlags.linked;
  return transfers;
}

export type CapacityOutcome =
  { kind: "changed" } | { kind: "below_sold"; tierId: string } | { kind: "rejected"; status: CreateTransferStatusName };

/** Reads the answer to planCapacityChange's transfers (in the order of its non-zero deltas). */
export function capacityOutcome(change: CapacityChange, results: readonly CreateTransferResult[]): CapacityOutcome {
  const tierIds = change.deltas.filter((d) => d.delta !== 0).map((d) => d.tierId);
  assert(results.length === tierIds.length, "one result per transfer");
  const broken = chainBreak(results);
  if (broken === null) return { kind: "changed" };
  if (broken.status === TS.exceeds_credits) return { kind: "below_sold", tierId: tierIds[broken.index]! };
  return { kind: "rejected", status: transferStatusName(broken.status) };
}

export interface Inventory {
  capacity: number;
  available: number;
  held: number;
  sold: number;
}

/** A tier's stock from its budget account alone: right while no tickets were returned (refunds);
 * the app reads tiers with stock.ts's tierInventory(budget, spent), which counts returns. */
export function inventoryFromAccount(budget: Account): Inventory {
  const available = budget.credits_posted - budget.debits_posted - budget.debits_pending;
  assert(available >= 0n, "budget account overdrawn: debits_must_not_exceed_credits was not enforced");
  const n = (v: bigint): number => {
    assert(v <= BigInt(Number.MAX_SAFE_INTEGER), "inventory beyond 2^53");
    return Number(v);
  };
  return {
    capacity: n(budget.credits_posted),
    available: n(available),
    held: n(budget.debits_pending),
    sold: n(budget.debits_posted),
  };
}

export type HoldOutcome =
  | { kind: "placed"; retried: boolean }
  | { kind: "sold_out"; tierId: string }
  | { kind: "fan_limit_reached" }
  | { kind: "code_used_up" }
  | { kind: "already_failed" }
  | { kind: "rejected"; status: CreateTransferStatusName };

/** The first failure of a chain: the one event that broke it (the others say linked_event_failed). */
export function chainBreak(results: readonly CreateTransferResult[]): { index: number; status: number } | null {
  const index = results.findIndex((r) => r.status !== TS.created && r.status !== TS.linked_event_failed);
  return index === -1 ? null : { index, status: results[index]!.status };
}

/** Reads the answer to a hold plan's transfers. */
export function holdOutcome(plan: HoldPlan, results: readonly CreateTransferResult[]): HoldOutcome {
  assert(results.length === plan.transfers.length, "one result per transfer");
  const fund = results[0]!.status;
  // exists_with_different_amount: the fan was funded under an earlier perFanMax; that one stands.
  assert(
    fund === TS.created || fund === TS.exists || fund === TS.exists_with_different_amount,
    `allowance funding failed: ${transferStatusName(fund)} (create the accounts first)`,
  );
  const chain = results.slice(1);
  const broken = chainBreak(chain);
  if (broken === null) return { kind: "placed", retried: false };
  // A retried chain answers `exists` for its first event (which breaks the retry, not the hold).
  if (broken.index === 0 && broken.status === TS.exists) return { kind: "placed", retried: true };
  if (broken.status === TS.id_already_failed) return { kind: "already_failed" };
  if (broken.status === TS.exceeds_credits) {
    if (broken.index === 0) return { kind: "fan_limit_reached" };
    const tierId = plan.hold.tierIds[broken.index - 1];
    return tierId === undefined ? { kind: "code_used_up" } : { kind: "sold_out", tierId };
  }
  return { kind: "rejected", status: transferStatusName(broken.status) };
}

export type SettleOutcome =
  | { kind: "done"; retried: boolean }
  | { kind: "already_posted" }
  | { kind: "already_voided" }
  | { kind: "expired" }
  | { kind: "not_found" }
  | { kind: "rejected"; status: CreateTransferStatusName };

/** Reads the answer to planPost or planVoid. Already voided/posted/expired are outcomes, not errors. */
export function settleOutcome(results: readonly CreateTransferResult[]): SettleOutcome {
  const broken = chainBreak(results);
  if (broken === null) return { kind: "done", retried: false };
  if (broken.index === 0 && broken.status === TS.exists) return { kind: "done", retried: true };
  switch (broken.status) {
    case TS.pending_transfer_already_posted:
      return { kind: "already_posted" };
    case TS.pending_transfer_already_voided:
      return { kind: "already_voided" };
    case TS.pending_transfer_expired:
      return { kind: "expired" };
    case TS.pending_transfer_not_found:
    case TS.id_already_failed:
      return { kind: "not_found" };
    default:
      return { kind: "rejected", status: transferStatusName(broken.status) };
  }
}

/** Reads the answer to a perk grant: granted (now or before), or none left. */
export function perkOutcome(result: CreateTransferResult): "granted" | "gone" {
  if (result.status === TS.created || result.status === TS.exists) return "granted";
  if (result.status === TS.exceeds_credits || result.status === TS.id_already_failed) return "gone";
  assert(false, `perk grant failed: ${transferStatusName(result.status)}`);
}
