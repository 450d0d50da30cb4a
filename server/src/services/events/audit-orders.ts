// How far the ledger may differ from what the orders say it should hold, per tier and per perk
// (adapters/postgres/audit-figures.ts reads those figures).
//
// Consistency actually guaranteed (the ledger step of every settlement runs before its commit,
// and a refund's stock return runs after its commit):
//   sold:  paid ≤ ledger sold ≤ paid + returning + held   (always; equal at rest)
//          — paid: tickets of paid orders; returning: refunded orders whose stock return is still
//          pending; held: a held order's payment may be posted and not yet committed.
//   held:  ledger held ≤ held orders' tickets   (at rest: a ledger hold ends by its own timeout
//          before the order is marked expired, so fewer is fine; a hold request in progress is
//          placed in the ledger just before its order row, so an audit racing it may see more).
//   perks: recorded ≤ granted ≤ recorded + held orders   (granted before the payment's commit).
// A late payment re-booked in the ledger but not yet committed is not allowed for: that window is
// one short transaction, and a commit that failed and was never retried is the orphan the audit
// exists to find; an audit racing a late payment may report it, and a re-run clears it.
import type { TierOrders } from "../../adapters/postgres/audit-figures.js";

/** The tier's problems when the ledger and the orders disagree beyond what is in flight. */
export function tierAgainstOrders(ledger: { held: number; sold: number }, orders: TierOrders): string[] {
  const problems: string[] = [];
  const settled = orders.paid + orders.returning;
  if (ledger.sold < orders.paid)
    problems.push(
      `ledger sold ${ledger.sold} is ${orders.paid - ledger.sold} less than paid orders' tickets (${orders.paid})`,
    );
  if (ledger.sold > settled + orders.held)
    problems.push(
      `ledger sold ${ledger.sold} is ${ledger.sold - settled} more than paid orders' tickets (${orders.paid})` +
        ` + refunds returning stock (${orders.returning}), beyond the ${orders.held} held that may be mid-payment`,
    );
  if (ledger.held > orders.held)
    problems.push(
      `ledger held ${ledger.held} is ${ledger.held - orders.held} more than held orders' tickets (${orders.held})`,
    );
  return problems;
}
