// Stock that comes back after a sale (admin refunds, automatic refunds of re-booked orders) and
// the inventory reading that accounts for it.
//
//   spent(tier) ──return q (posted)──▶ budget(tier)        allowance_used ──return q──▶ allowance(fan)
//   code_used ──return 1──▶ code(id)      (the order was placed with a presale or promo code)
//
// A posted transfer can never be undone in TigerBeetle's model, so a refund is a new transfer
// the other way. The budget's credits then exceed the capacity by what came back, so a tier is
// read from both accounts: capacity = budget credits − spent debits (what came back),
// sold = budget debits − spent debits. available + held + sold = capacity still holds exactly.
import { assert } from "../assert.js";
import { transfer, TransferFlags, type Account, type Transfer } from "../ledger/types.js";
import { accountId, childTransferId, referenceBits } from "./ledger-ids.js";
import type { Inventory } from "./ledger-plans.js";

/** Transfer code of a return (distinct from the plan codes 1–20 of ledger-plans.ts). */
export const returnTransferCode = 30;

export interface ReturnRequest {
  ledger: number;
  /** The order being refunded; every transfer id derives from it, so a retry gives `exists`. */
  orderId: string;
  fanId: string;
  items: readonly { tierId: string; quantity: number }[];
  /** The code the order was placed with: its use is given back too. */
  codeId?: string | null;
}

/** One linked batch: every tier's tickets back to its budget, the fan's allowance restored, and
 * the use of the order's code given back. */
export function planReturn(req: ReturnRequest): Transfer[] {
  assert(req.items.length > 0, "a return needs at least one tier");
  const total = req.items.reduce((sum, i) => sum + BigInt(i.quantity), 0n);
  const ref = referenceBits(req.orderId);
  const transfers = [
    ...req.items.map((i) =>
      transfer({
        id: childTransferId(req.orderId, `return/${i.tierId}`),
        debit_account_id: accountId("spent", req.ledger, i.tierId),
        credit_account_id: accountId("budget", req.ledger, i.tierId),
        amount: BigInt(i.quantity),
        ledger: req.ledger,
        code: returnTransferCode,
        user_data_128: ref,
        flags: TransferFlags.linked,
      }),
    ),
    transfer({
      id: childTransferId(req.orderId, "return/allowance"),
      debit_account_id: accountId("allowance_used", req.ledger),
      credit_account_id: accountId("allowance", req.ledger, req.fanId),
      amount: total,
      ledger: req.ledger,
      code: returnTransferCode,
      user_data_128: ref,
    }),
  ];
  if (req.codeId) {
    transfers.push(
      transfer({
        id: childTransferId(req.orderId, "return/code"),
        debit_account_id: accountId("code_used", req.ledger),
        credit_account_id: accountId("code", req.ledger, req.codeId),
        amount: 1n,
        ledger: req.ledger,
        code: returnTransferCode,
        user_data_128: ref,
      }),
    );
  }
  transfers.forEach((t, i) => (t.flags = i < transfers.length - 1 ? TransferFlags.linked : TransferFlags.none));
  return transfers;
}

const safe = (v: bigint): number => {
  assert(v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER), `inventory figure out of range: ${v}`);
  return Number(v);
};

/** A tier's stock from its budget and spent accounts, counting returned tickets as available again.
 * `operator` (the tier's funding account) is needed once the capacity was ever lowered: a lowering
 * is a posted budget → operator transfer (ledger-plans.ts planCapacityChange), which is neither sold
 * nor capacity — its credits say how much. */
export function tierInventory(budget: Account, spent: Account, operator?: Account): Inventory {
  const returned = spent.debits_posted;
  const lowered = operator?.credits_posted ?? 0n;
  const available = budget.credits_posted - budget.debits_posted - budget.debits_pending;
  assert(available >= 0n, "budget account overdrawn: debits_must_not_exceed_credits was not enforced");
  return {
    capacity: safe(budget.credits_posted - returned - lowered),
    available: safe(available),
    held: safe(budget.debits_pending),
    sold: safe(budget.debits_posted - returned - lowered),
  };
}
