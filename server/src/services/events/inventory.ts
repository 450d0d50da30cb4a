// Stock per tier and perks granted, read from the ledger's budget accounts in one lookup for any
// number of events. The ledger is the only source of these numbers.
import { accountId } from "@stampede/shared/core/ledger-ids";
import { planEventSetup, type Inventory } from "@stampede/shared/core/ledger-plans";
import { tierInventory } from "@stampede/shared/core/stock";
import {
  accountStatusName,
  isAccountSuccess,
  isTransferSuccess,
  transferStatusName,
} from "@stampede/shared/ledger/types";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";

export interface EventStock {
  classes: Map<string, Inventory>;
  perks: Map<string, { granted: number }>;
}

/** Creates and funds the event's accounts. Idempotent (`exists` counts as done); asserts on anything else. */
export async function setUpEventLedger(ledger: Ledger, event: EventRecord): Promise<void> {
  const plan = planEventSetup({
    ledger: event.ledger,
    tiers: event.classes.map((c) => ({ tierId: c.id, capacity: c.capacity })),
    perks: event.perks.map((p) => ({ perkId: p.id, capacity: p.capacity })),
  });
  const accounts = await ledger.createAccounts(plan.accounts);
  const failedAccount = accounts.find((r) => !isAccountSuccess(r.status));
  if (failedAccount)
    throw new Error(`ledger set-up of event ${event.id}: account ${accountStatusName(failedAccount.status)}`);
  const transfers = await ledger.createTransfers(plan.transfers);
  const failedTransfer = transfers.find((r) => !isTransferSuccess(r.status));
  if (failedTransfer)
    throw new Error(`ledger set-up of event ${event.id}: transfer ${transferStatusName(failedTransfer.status)}`);
}

export async function readStock(ledger: Ledger, events: readonly EventRecord[]): Promise<Map<string, EventStock>> {
  const ids: bigint[] = [];
  for (const e of events) {
    for (const c of e.classes)
      ids.push(
        accountId("budget", e.ledger, c.id),
        accountId("spent", e.ledger, c.id),
        accountId("operator", e.ledger, c.id),
      );
    for (const p of e.perks) ids.push(accountId("perk_budget", e.ledger, p.id));
  }
  const found = new Map((await ledger.lookupAccounts(ids)).map((a) => [a.id, a]));
  const stock = new Map<string, EventStock>();
  for (const e of events) {
    const classes = new Map<string, Inventory>();
    for (const c of e.classes) {
      const budget = found.get(accountId("budget", e.ledger, c.id));
      const spent = found.get(accountId("spent", e.ledger, c.id));
      const operator = found.get(accountId("operator", e.ledger, c.id));
      classes.set(
        c.id,
        budget && spent
          ? tierInventory(budget, spent, operator)
          : { capacity: c.capacity, available: 0, held: 0, sold: 0 },
      );
    }
    const perks = new Map<string, { granted: number }>();
    for (const p of e.perks) {
      const budget = found.get(accountId("perk_budget", e.ledger, p.id));
      perks.set(p.id, { granted: budget ? Number(budget.debits_posted) : 0 });
    }
    stock.set(e.id, { classes, perks });
  }
  return stock;
}
