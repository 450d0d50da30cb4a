// Goal: editing a tier's capacity in the ledger (planCapacityChange): a raise funds the budget, a
// lowering takes unsold stock back and is refused below sold + held, several tiers change all or
// nothing, and available + held + sold = capacity still holds after returns — checked against the
// in-memory reference ledger.
import { describe, expect, it } from "vitest";
import { uuidv7 } from "../ids.js";
import { createLedgerModel } from "../../test/ledger-model.js";
import { accountId } from "./ledger-ids.js";
import { capacityOutcome, planCapacityChange, planEventSetup, planHold, planPost } from "./ledger-plans.js";
import { planReturn, tierInventory } from "./stock.js";

const ledgerNo = 9;

async function tiers(capacities: number[]) {
  const ledger = createLedgerModel();
  const ids = capacities.map(() => uuidv7());
  const setup = planEventSetup({
    ledger: ledgerNo,
    tiers: ids.map((tierId, i) => ({ tierId, capacity: capacities[i]! })),
    perks: [],
  });
  await ledger.createAccounts(setup.accounts);
  await ledger.createTransfers(setup.transfers);
  const read = async (tierId: string) => {
    const [budget, spent, operator] = await ledger.lookupAccounts([
      accountId("budget", ledgerNo, tierId),
      accountId("spent", ledgerNo, tierId),
      accountId("operator", ledgerNo, tierId),
    ]);
    return tierInventory(budget!, spent!, operator!);
  };
  const change = async (deltas: Array<{ tierId: string; delta: number }>) => {
    const plan = { ledger: ledgerNo, editId: uuidv7(), deltas };
    return capacityOutcome(plan, await ledger.createTransfers(planCapacityChange(plan)));
  };
  const holdOf = async (tierId: string, quantity: number, fanId = uuidv7()) => {
    const plan = planHold({
      ledger: ledgerNo,
      holdId: uuidv7(),
      fanId,
      perFanMax: 10,
      holdSeconds: 60,
      items: [{ tierId, quantity }],
    });
    await ledger.createAccounts(plan.accounts);
    await ledger.createTransfers(plan.transfers);
    return { plan, fanId };
  };
  return { ledger, ids, read, change, holdOf };
}

describe("capacity changes", () => {
  it("raises and lowers a tier; sold and held stay as they were", async () => {
    const t = await tiers([10]);
    const tier = t.ids[0]!;
    const sold = await t.holdOf(tier, 3);
    await t.ledger.createTransfers(planPost(sold.plan.hold));
    await t.holdOf(tier, 2);
    expect(await t.change([{ tierId: tier, delta: 5 }])).toEqual({ kind: "changed" });
    expect(await t.read(tier)).toEqual({ capacity: 15, available: 10, held: 2, sold: 3 });
    expect(await t.change([{ tierId: tier, delta: -10 }])).toEqual({ kind: "changed" });
    expect(await t.read(tier)).toEqual({ capacity: 5, available: 0, held: 2, sold: 3 });
  });

  it("refuses a lowering below sold + held, and changes nothing", async () => {
    const t = await tiers([10]);
    const tier = t.ids[0]!;
    await t.holdOf(tier, 4);
    expect(await t.change([{ tierId: tier, delta: -7 }])).toEqual({ kind: "below_sold", tierId: tier });
    expect(await t.read(tier)).toEqual({ capacity: 10, available: 6, held: 4, sold: 0 });
  });

  it("changes several tiers all or nothing", async () => {
    const t = await tiers([5, 5]);
    const [a, b] = t.ids as [string, string];
    await t.holdOf(b, 5);
    const outcome = await t.change([
      { tierId: a, delta: 3 },
      { tierId: b, delta: -1 },
    ]);
    expect(outcome).toEqual({ kind: "below_sold", tierId: b });
    expect((await t.read(a)).capacity).toBe(5);
  });

  it("keeps available + held + sold = capacity after a lowering and a refund", async () => {
    const t = await tiers([10]);
    const tier = t.ids[0]!;
    const sold = await t.holdOf(tier, 4);
    await t.ledger.createTransfers(planPost(sold.plan.hold));
    await t.change([{ tierId: tier, delta: -3 }]);
    await t.ledger.createTransfers(
      planReturn({
        ledger: ledgerNo,
        orderId: sold.plan.hold.holdId,
        fanId: sold.fanId,
        items: [{ tierId: tier, quantity: 4 }],
      }),
    );
    expect(await t.read(tier)).toEqual({ capacity: 7, available: 7, held: 0, sold: 0 });
  });
});
