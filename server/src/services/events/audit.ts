// The invariant audit: for every tier, the ledger's budget and spent accounts must satisfy
// available + held + sold = capacity with held + sold ≤ capacity, agree with the event's stated
// capacity, and mirror its spent account (double entry); perks granted never exceed their budget.
// And the ledger must agree with the orders (money and tickets): sold = paid orders' tickets, held
// ≤ held orders' tickets, perks granted = paid orders with the perk, within what can be in flight
// (audit-orders.ts says exactly what).
import type { AuditView } from "@stampede/shared/api/admin";
import { accountId } from "@stampede/shared/core/ledger-ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Account } from "@stampede/shared/ledger/types";
import type { AuditFiguresRepo, OrdersFigures, TierOrders } from "../../adapters/postgres/audit-figures.js";
import { tierAgainstOrders } from "./audit-orders.js";
import type { ClassRecord, EventRecord, PerkRecord } from "../../adapters/postgres/events-repo.js";

/** What GET /api/admin/events/:id/audit answers (shared/src/api/admin.ts): the route and the CLI read one shape. */
export type EventAudit = AuditView;
export type TierAudit = AuditView["classes"][number];

/** Audits one event; `orders` reads what its orders say (the audit-figures repository). */
export async function auditEvent(
  ledger: Ledger,
  orders: Pick<AuditFiguresRepo, "ordersFigures">,
  event: EventRecord,
): Promise<EventAudit> {
  // Orders first, then the ledger: a settlement's ledger step precedes its commit, so whatever
  // commits in between only makes the ledger look further ahead, which the bounds allow.
  const figures = await orders.ordersFigures(event.id);
  const ids = event.classes.flatMap((c) => [
    accountId("budget", event.ledger, c.id),
    accountId("spent", event.ledger, c.id),
    accountId("operator", event.ledger, c.id),
  ]);
  ids.push(...event.perks.map((p) => accountId("perk_budget", event.ledger, p.id)));
  const found: Accounts = new Map((await ledger.lookupAccounts(ids)).map((a) => [a.id, a]));
  const classes = event.classes.map((c) =>
    tierAudit(c, found, event.ledger, figures.tiers.get(c.id) ?? { paid: 0, held: 0, returning: 0 }),
  );
  const perks = event.perks.map((p) => perkAudit(p, found.get(accountId("perk_budget", event.ledger, p.id)), figures));
  return {
    eventId: event.id,
    ok: classes.every((c) => c.ok) && perks.every((p) => p.ok),
    checkedAt: new Date().toISOString(),
    classes,
    perks,
  };
}

/** The event's ledger accounts by id. */
type Accounts = Map<bigint, Account>;

/** One tier: its budget and spent accounts against its capacity, each other, and the orders. */
function tierAudit(c: ClassRecord, found: Accounts, ledgerNumber: number, orders: TierOrders): TierAudit {
  const budget = found.get(accountId("budget", ledgerNumber, c.id));
  const spent = found.get(accountId("spent", ledgerNumber, c.id));
  if (!budget || !spent) {
    return {
      classId: c.id,
      code: c.code,
      capacity: c.capacity,
      available: 0,
      held: 0,
      sold: 0,
      ok: false,
      problems: ["ledger accounts missing"],
      orders,
    };
  }
  // Returned tickets (refunds) flow spent → budget: they count as funding again, not as sold. A
  // lowered capacity flows budget → operator (an edit): it is taken out of the funding, not sold.
  const capacity = BigInt(c.capacity);
  const returned = spent.debits_posted;
  const lowered = found.get(accountId("operator", ledgerNumber, c.id))?.credits_posted ?? 0n;
  const held = budget.debits_pending;
  const sold = budget.debits_posted - returned - lowered;
  const available = budget.credits_posted - budget.debits_posted - held;
  const problems: string[] = [];
  if (budget.credits_posted - returned - lowered !== capacity)
    problems.push(`budget funded with ${budget.credits_posted - returned - lowered}, capacity is ${capacity}`);
  if (available < 0n) problems.push(`available is negative (${available})`);
  if (held + sold > capacity) problems.push(`held + sold = ${held + sold} exceeds capacity ${capacity}`);
  if (available + held + sold !== capacity)
    problems.push(`available + held + sold = ${available + held + sold}, not ${capacity}`);
  if (spent.credits_pending !== held || spent.credits_posted - returned !== sold)
    problems.push("spent account does not mirror the budget");
  problems.push(...tierAgainstOrders({ held: Number(held), sold: Number(sold) }, orders));
  return {
    classId: c.id,
    code: c.code,
    capacity: c.capacity,
    available: Number(available),
    held: Number(held),
    sold: Number(sold),
    ok: problems.length === 0,
    problems,
    orders,
  };
}

/** One perk: granted within its budget, and as many as the paid orders with it (give or take those in flight). */
function perkAudit(p: PerkRecord, budget: Account | undefined, figures: OrdersFigures): EventAudit["perks"][number] {
  const granted = budget ? Number(budget.debits_posted) : 0;
  const recorded = figures.perksRecorded.get(p.id) ?? 0;
  const problems: string[] = [];
  if (!budget) problems.push("ledger account missing");
  else if (granted > p.capacity || budget.credits_posted !== BigInt(p.capacity))
    problems.push(`granted ${granted} of a budget funded with ${budget.credits_posted}, capacity ${p.capacity}`);
  if (granted < recorded)
    problems.push(
      `ledger granted ${granted}, ${recorded - granted} fewer than paid orders with the perk (${recorded})`,
    );
  if (granted > recorded + figures.heldOrders)
    problems.push(
      `ledger granted ${granted}, ${granted - recorded} more than paid orders with the perk (${recorded}), ` +
        `beyond the ${figures.heldOrders} held orders that may be mid-payment`,
    );
  return { perkId: p.id, code: p.code, capacity: p.capacity, granted, recorded, ok: problems.length === 0, problems };
}
