// Goal: a refund's return transfers put stock back so that available + held + sold = capacity
// still holds, checked against the in-memory reference ledger.
import { describe, expect, it } from "vitest";
import { uuidv7 } from "../ids.js";
import { isTransferSuccess } from "../ledger/types.js";
import { accountId } from "./ledger-ids.js";
import { createLedgerModel } from "../../test/ledger-model.js";
import { holdOutcome, planCodeFunding, planEventSetup, planHold, planPost, settleOutcome } from "./ledger-plans.js";
import { planReturn, tierInventory } from "./stock.js";

/** The reference ledger with one event (ledger 7) of one tier of 10. */
async function eventLedger() {
  const ledger = createLedgerModel();
  const tierId = uuidv7();
  const setup = planEventSetup({ ledger: 7, tiers: [{ tierId, capacity: 10 }], perks: [] });
  await ledger.createAccounts(setup.accounts);
  await ledger.createTransfers(setup.transfers);
  return { ledger, tierId };
}

describe("returns", () => {
  it("return sold tickets to the pool and restore the fan's allowance", async () => {
    const { ledger, tierId } = await eventLedger();
    const fanId = uuidv7();
    const hold = planHold({
      ledger: 7,
      holdId: uuidv7(),
      fanId,
      perFanMax: 3,
      holdSeconds: 60,
      items: [{ tierId, quantity: 3 }],
    });
    await ledger.createAccounts(hold.accounts);
    await ledger.createTransfers(hold.transfers);
    await ledger.createTransfers(planPost(hold.hold));
    const read = async () => {
      const [budget, spent] = await ledger.lookupAccounts([
        accountId("budget", 7, tierId),
        accountId("spent", 7, tierId),
      ]);
      return tierInventory(budget!, spent!);
    };
    expect(await read()).toEqual({ capacity: 10, available: 7, held: 0, sold: 3 });
    // At the fan's limit, a further hold fails until the refund returns the allowance.
    const again = () =>
      planHold({ ledger: 7, holdId: uuidv7(), fanId, perFanMax: 3, holdSeconds: 60, items: [{ tierId, quantity: 1 }] });
    expect((await ledger.createTransfers(again().transfers)).slice(1).every((r) => isTransferSuccess(r.status))).toBe(
      false,
    );

    const orderId = uuidv7();
    const results = await ledger.createTransfers(
      planReturn({ ledger: 7, orderId, fanId, items: [{ tierId, quantity: 3 }] }),
    );
    expect(results.every((r) => isTransferSuccess(r.status))).toBe(true);
    expect(await read()).toEqual({ capacity: 10, available: 10, held: 0, sold: 0 });
    // A retry is `exists`, not a second return.
    const retry = await ledger.createTransfers(
      planReturn({ ledger: 7, orderId, fanId, items: [{ tierId, quantity: 3 }] }),
    );
    // (TigerBeetle answers a retried chain `exists` for its first event, which breaks the chain.)
    expect(settleOutcome(retry)).toEqual({ kind: "done", retried: true });
    expect(await read()).toEqual({ capacity: 10, available: 10, held: 0, sold: 0 });
    expect((await ledger.createTransfers(again().transfers)).slice(1).every((r) => isTransferSuccess(r.status))).toBe(
      true,
    );
  });

  it("give back the use of the code the order was placed with, once, in the same linked batch", async () => {
    const { ledger, tierId } = await eventLedger();
    const codeId = uuidv7();
    const funding = planCodeFunding(7, [{ codeId, uses: 1 }]);
    await ledger.createAccounts(funding.accounts);
    await ledger.createTransfers(funding.transfers);
    const holdWithCode = async (fanId: string) => {
      const hold = planHold({
        ledger: 7,
        holdId: uuidv7(),
        fanId,
        perFanMax: 3,
        holdSeconds: 60,
        codeId,
        items: [{ tierId, quantity: 1 }],
      });
      await ledger.createAccounts(hold.accounts);
      return { hold, outcome: holdOutcome(hold, await ledger.createTransfers(hold.transfers)) };
    };
    const first = await holdWithCode("fan-1");
    await ledger.createTransfers(planPost(first.hold.hold));
    expect((await holdWithCode("fan-2")).outcome).toEqual({ kind: "code_used_up" });
    const orderId = uuidv7();
    const giveBack = () => planReturn({ ledger: 7, orderId, fanId: "fan-1", items: [{ tierId, quantity: 1 }], codeId });
    expect(settleOutcome(await ledger.createTransfers(giveBack()))).toEqual({ kind: "done", retried: false });
    expect(settleOutcome(await ledger.createTransfers(giveBack()))).toEqual({ kind: "done", retried: true });
    const [code] = await ledger.lookupAccounts([accountId("code", 7, codeId)]);
    expect([code!.credits_posted, code!.debits_posted]).toEqual([2n, 1n]); // funded 1, given back 1; used 1
    expect((await holdWithCode("fan-2")).outcome).toEqual({ kind: "placed", retried: false });
  });
});
