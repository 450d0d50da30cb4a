// Goal: the history checker tells the ledger's own figures (I1/I2: a violation the moment it is
// seen) from disagreements with the orders that a request in flight can cause for a moment, and
// never takes "the ledger sold fewer than the orders say" for one of those.
import { describe, expect, it } from "vitest";
import type { EventAudit, TierAudit } from "../services/events/audit.js";
import { tierAgainstOrders } from "../services/events/audit-orders.js";
import { classifyProblems, problemKey } from "./classify.js";

function tier(figures: Pick<TierAudit, "held" | "sold" | "orders">, ledgerProblems: string[] = []): TierAudit {
  const problems = [
    ...ledgerProblems,
    ...tierAgainstOrders({ held: figures.held, sold: figures.sold }, figures.orders),
  ];
  const available = 10 - figures.held - figures.sold;
  return { classId: "c1", code: "GA", capacity: 10, available, ...figures, ok: problems.length === 0, problems };
}

function audit(t: TierAudit, perkProblems: string[] = []): EventAudit {
  const perk = {
    perkId: "p1",
    code: "EARLY",
    capacity: 5,
    granted: 1,
    recorded: 1,
    ok: perkProblems.length === 0,
    problems: perkProblems,
  };
  return { eventId: "e1", ok: false, checkedAt: "", classes: [t], perks: [perk] };
}

describe("classifyProblems", () => {
  it("marks a hold placed before its order row, and a payment posted before its commit, as possibly in flight", () => {
    const held = classifyProblems(audit(tier({ held: 2, sold: 0, orders: { paid: 0, held: 0, returning: 0 } })));
    expect(held).toEqual([
      expect.objectContaining({ invariant: "ledger↔orders", mayBeInFlight: true, subject: "tier GA" }),
    ]);
    const sold = classifyProblems(audit(tier({ held: 0, sold: 3, orders: { paid: 1, held: 0, returning: 0 } })));
    expect(sold).toEqual([expect.objectContaining({ invariant: "ledger↔orders", mayBeInFlight: true })]);
  });

  it("never excuses the ledger selling fewer than the paid orders, nor any figure of the ledger alone", () => {
    const fewer = classifyProblems(audit(tier({ held: 0, sold: 1, orders: { paid: 3, held: 0, returning: 0 } })));
    expect(fewer).toEqual([expect.objectContaining({ invariant: "ledger↔orders", mayBeInFlight: false })]);
    const none = { paid: 0, held: 0, returning: 0 };
    const oversold = classifyProblems(
      audit(tier({ held: 0, sold: 0, orders: none }, ["held + sold = 11 exceeds capacity 10"])),
    );
    expect(oversold).toEqual([expect.objectContaining({ invariant: "I1/I2", mayBeInFlight: false })]);
  });

  it("tells perk problems apart the same way, and keys a disagreement without its figures", () => {
    const perks = classifyProblems(
      audit(tier({ held: 0, sold: 0, orders: { paid: 0, held: 0, returning: 0 } }), [
        "ledger granted 3, 2 more than paid orders with the perk (1), beyond the 0 held orders that may be mid-payment",
        "ledger granted 1, 2 fewer than paid orders with the perk (3)",
        "granted 6 of a budget funded with 5, capacity 5",
      ]),
    );
    expect(perks.map((p) => [p.invariant, p.mayBeInFlight])).toEqual([
      ["ledger↔orders", true],
      ["ledger↔orders", false],
      ["I1/I2", false],
    ]);
    const a = classifyProblems(audit(tier({ held: 2, sold: 0, orders: { paid: 0, held: 0, returning: 0 } })))[0]!;
    const b = classifyProblems(audit(tier({ held: 5, sold: 0, orders: { paid: 0, held: 1, returning: 0 } })))[0]!;
    expect(problemKey(a)).toBe(problemKey(b));
  });
});
