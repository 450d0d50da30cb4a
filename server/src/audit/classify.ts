// Which of an audit's problems break I1/I2 at once, and which can be a moment in flight.
// The ledger's own figures (conservation, no oversell, the spent mirror, perk budgets) hold at
// every instant: any problem there is a violation. The comparison with the orders allows for what
// is in flight (audit-orders.ts): a hold placed just before its order row, a payment posted just
// before its commit (a crash there leaves it to the webhook's retry). Those disagreements are
// violations only when they outlast that (history.ts) or are still there at rest.
// The ledger selling fewer than the paid orders, or granting fewer perks, is never in flight.
import type { EventAudit } from "../services/events/audit.js";
import { tierAgainstOrders } from "../services/events/audit-orders.js";

export interface AuditProblem {
  eventId: string;
  /** "tier GA" or "perk EARLY". */
  subject: string;
  problem: string;
  /** "I1/I2" (the ledger alone) or "ledger↔orders". */
  invariant: "I1/I2" | "ledger↔orders";
  /** Whether an audit racing a request in progress may see it for a moment. */
  mayBeInFlight: boolean;
}

export function classifyProblems(audit: EventAudit): AuditProblem[] {
  const out: AuditProblem[] = [];
  const add = (subject: string, problem: string, fromOrders: boolean, mayBeInFlight: boolean) =>
    out.push({
      eventId: audit.eventId,
      subject,
      problem,
      invariant: fromOrders ? "ledger↔orders" : "I1/I2",
      mayBeInFlight,
    });
  for (const tier of audit.classes) {
    const againstOrders = new Set(tierAgainstOrders({ held: tier.held, sold: tier.sold }, tier.orders));
    for (const problem of tier.problems) {
      const fromOrders = againstOrders.has(problem);
      add(`tier ${tier.code}`, problem, fromOrders, fromOrders && !/ less than /.test(problem));
    }
  }
  for (const perk of audit.perks) {
    for (const problem of perk.problems) {
      const fromOrders = /than paid orders with the perk/.test(problem);
      add(`perk ${perk.code}`, problem, fromOrders, / more than paid orders/.test(problem));
    }
  }
  return out;
}

/** The same disagreement across samples, whatever its figures. */
export function problemKey(p: AuditProblem): string {
  return `${p.eventId} ${p.subject} ${p.problem.replace(/-?\d+/g, "#")}`;
}
