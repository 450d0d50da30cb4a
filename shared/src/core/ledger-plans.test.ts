// Goal: the ledger plans do what the architecture says — a hold takes stock and allowance all or
// nothing, post/void/expiry move it to sold or back, perks run out at N, retries have one effect,
// and the inventory always adds up — checked against the in-memory reference model.
import { describe, expect, it } from "vitest";
import { uuidv7 } from "../ids.js";
import { CreateTransferStatus as TS, TransferFlags, isAccountSuccess } from "../ledger/types.js";
import { accountId, childTransferId, fnv1a128 } from "./ledger-ids.js";
import { createLedgerModel, type LedgerModel } from "../../test/ledger-model.js";
import {
  holdOutcome,
  inventoryFromAccount,
  perkOutcome,
  planEventSetup,
  planHold,
  planCodeFunding,
  planPerkGrant,
  planPost,
  planVoid,
  settleOutcome,
  type EventLedgerSpec,
  type HoldRequest,
} from "./ledger-plans.js";

const ledger = 7;
const spec: EventLedgerSpec = {
  ledger,
  tiers: [
    { tierId: "ga", capacity: 5 },
    { tierId: "vip", capacity: 2 },
  ],
  perks: [{ perkId: "poster", capacity: 2 }],
};

async function setUp(): Promise<LedgerModel> {
  const model = createLedgerModel();
  const setup = planEventSetup(spec);
  expect((await model.createAccounts(setup.accounts)).every((r) => isAccountSuccess(r.status))).toBe(true);
  expect((await model.createTransfers(setup.transfers)).map((r) => r.status)).toEqual(
    setup.transfers.map(() => TS.created),
  );
  return model;
}

async function hold(model: LedgerModel, req: Partial<HoldRequest> & Pick<HoldRequest, "items">) {
  const plan = planHold({ ledger, holdId: uuidv7(), fanId: "fan-1", perFanMax: 4, holdSeconds: 60, ...req });
  await model.createAccounts(plan.accounts);
  return { plan, outcome: holdOutcome(plan, await model.createTransfers(plan.transfers)) };
}

async function inventory(model: LedgerModel, tierId: string) {
  const [budget] = await model.lookupAccounts([accountId("budget", ledger, tierId)]);
  return inventoryFromAccount(budget!);
}

describe("ids", () => {
  it("FNV-1a 128 matches the published test vectors", () => {
    expect(fnv1a128("").toString(16)).toBe("6c62272e07bb014262b821756295c58d");
    expect(fnv1a128("a").toString(16)).toBe("d228cb696f1a8caf78912b704e4a8964");
  });

  it("are deterministic, distinct per kind/ledger/key, and child ids keep the parent's time bits", () => {
    expect(accountId("budget", 1, "ga")).toBe(accountId("budget", 1, "ga"));
    const ids = new Set([
      accountId("budget", 1, "ga"),
      accountId("spent", 1, "ga"),
      accountId("budget", 2, "ga"),
      accountId("budget", 1, "vip"),
    ]);
    expect(ids.size).toBe(4);
    const parent = uuidv7();
    const child = childTransferId(parent, "allowance");
    expect(child >> 64n).toBe(BigInt(`0x${parent.replaceAll("-", "")}`) >> 64n);
    expect(child).not.toBe(childTransferId(parent, "tier/ga"));
  });

  it("setup is idempotent: running it again answers exists", async () => {
    const model = await setUp();
    const setup = planEventSetup(spec);
    expect((await model.createTransfers(setup.transfers)).every((r) => r.status === TS.exists)).toBe(true);
  });
});

describe("holds", () => {
  it("a placed hold moves stock to held; posting moves it to sold", async () => {
    const model = await setUp();
    const { plan, outcome } = await hold(model, { items: [{ tierId: "ga", quantity: 2 }] });
    expect(outcome).toEqual({ kind: "placed", retried: false });
    expect(await inventory(model, "ga")).toEqual({ capacity: 5, available: 3, held: 2, sold: 0 });
    expect(settleOutcome(await model.createTransfers(planPost(plan.hold)))).toEqual({ kind: "done", retried: false });
    expect(await inventory(model, "ga")).toEqual({ capacity: 5, available: 3, held: 0, sold: 2 });
    expect(settleOutcome(await model.createTransfers(planPost(plan.hold)))).toEqual({ kind: "done", retried: true });
    expect(settleOutcome(await model.createTransfers(planVoid(plan.hold)))).toEqual({ kind: "already_posted" });
  });

  it("voiding returns the stock; a retried hold is the same hold", async () => {
    const model = await setUp();
    const { plan } = await hold(model, { items: [{ tierId: "vip", quantity: 1 }] });
    expect(holdOutcome(plan, await model.createTransfers(plan.transfers))).toEqual({ kind: "placed", retried: true });
    expect(await inventory(model, "vip")).toMatchObject({ available: 1, held: 1 });
    expect(settleOutcome(await model.createTransfers(planVoid(plan.hold)))).toEqual({ kind: "done", retried: false });
    expect(settleOutcome(await model.createTransfers(planPost(plan.hold)))).toEqual({ kind: "already_voided" });
    expect(await inventory(model, "vip")).toEqual({ capacity: 2, available: 2, held: 0, sold: 0 });
  });

  it("a multi-tier hold is all or nothing: one tier sold out takes nothing from the other", async () => {
    const model = await setUp();
    const { outcome } = await hold(model, {
      items: [
        { tierId: "ga", quantity: 1 },
        { tierId: "vip", quantity: 3 },
      ],
      perFanMax: 10,
    });
    expect(outcome).toEqual({ kind: "sold_out", tierId: "vip" });
    expect(await inventory(model, "ga")).toMatchObject({ available: 5, held: 0 });
  });

  it("the per-fan allowance spans holds: the first hold funds it once, later holds draw on it", async () => {
    const model = await setUp();
    expect((await hold(model, { items: [{ tierId: "ga", quantity: 3 }] })).outcome.kind).toBe("placed");
    expect((await hold(model, { items: [{ tierId: "ga", quantity: 2 }] })).outcome).toEqual({
      kind: "fan_limit_reached",
    });
    expect((await hold(model, { items: [{ tierId: "ga", quantity: 1 }] })).outcome.kind).toBe("placed");
    expect((await hold(model, { items: [{ tierId: "ga", quantity: 1 }], fanId: "fan-2" })).outcome.kind).toBe("placed");
    expect(await inventory(model, "ga")).toMatchObject({ available: 0, held: 5 });
    expect((await hold(model, { items: [{ tierId: "ga", quantity: 1 }], fanId: "fan-3" })).outcome).toEqual({
      kind: "sold_out",
      tierId: "ga",
    });
  });

  it("a failed hold's ids never succeed later, even when stock comes back", async () => {
    const model = await setUp();
    const first = await hold(model, { items: [{ tierId: "vip", quantity: 2 }] });
    const second = await hold(model, { items: [{ tierId: "vip", quantity: 1 }], fanId: "fan-2" });
    expect(second.outcome.kind).toBe("sold_out");
    await model.createTransfers(planVoid(first.plan.hold));
    expect(holdOutcome(second.plan, await model.createTransfers(second.plan.transfers))).toEqual({
      kind: "already_failed",
    });
  });

  it("an expired hold returns its stock and cannot be posted", async () => {
    let nowNs = 1_000_000_000_000n;
    const model = createLedgerModel({ nowNs: () => nowNs });
    const setup = planEventSetup(spec);
    await model.createAccounts(setup.accounts);
    await model.createTransfers(setup.transfers);
    const plan = planHold({
      ledger,
      holdId: uuidv7(),
      fanId: "f",
      perFanMax: 4,
      holdSeconds: 5,
      items: [{ tierId: "ga", quantity: 2 }],
    });
    await model.createAccounts(plan.accounts);
    await model.createTransfers(plan.transfers);
    const placedAt = nowNs;
    nowNs = placedAt + 4_999_999_000n; // the hold's last microsecond: still held
    expect(await inventory(model, "ga")).toMatchObject({ held: 2 });
    nowNs = placedAt + 5_000_001_000n; // a microsecond past its timeout (plus the batch's few ns)
    expect(await inventory(model, "ga")).toEqual({ capacity: 5, available: 5, held: 0, sold: 0 });
    expect(settleOutcome(await model.createTransfers(planPost(plan.hold)))).toEqual({ kind: "expired" });
  });

  it("shapes the batch as [fund, linked chain…] with the chain closed", () => {
    const plan = planHold({
      ledger,
      holdId: uuidv7(),
      fanId: "f",
      perFanMax: 4,
      holdSeconds: 5,
      items: [
        { tierId: "ga", quantity: 1 },
        { tierId: "vip", quantity: 1 },
      ],
    });
    expect(plan.transfers.map((t) => t.flags)).toEqual([
      0,
      TransferFlags.pending | TransferFlags.linked,
      TransferFlags.pending | TransferFlags.linked,
      TransferFlags.pending,
    ]);
    expect(plan.transfers[1]!.amount).toBe(2n);
    expect(() =>
      planHold({ ...plan.hold, fanId: "f", perFanMax: 4, holdSeconds: 1, items: [{ tierId: "ga", quantity: 1 }] }),
    ).toThrow(/holdSeconds/);
  });
});

describe("codes", () => {
  it("a code's uses are held with the tickets: used up refuses the whole hold; a void gives the use back", async () => {
    const model = await setUp();
    const funding = planCodeFunding(ledger, [{ codeId: "fanclub", uses: 1 }]);
    await model.createAccounts(funding.accounts);
    expect((await model.createTransfers(funding.transfers)).map((r) => r.status)).toEqual([TS.created]);
    const items = [{ tierId: "ga", quantity: 2 }];
    const first = await hold(model, { items, codeId: "fanclub" });
    expect(first.outcome).toEqual({ kind: "placed", retried: false });
    const second = await hold(model, { items, codeId: "fanclub", fanId: "fan-2" });
    expect(second.outcome).toEqual({ kind: "code_used_up" });
    expect(await inventory(model, "ga")).toMatchObject({ available: 3, held: 2 });
    // Negative control: the same hold without the code is placed.
    expect((await hold(model, { items, fanId: "fan-2" })).outcome.kind).toBe("placed");
    expect(settleOutcome(await model.createTransfers(planVoid(first.plan.hold)))).toEqual({
      kind: "done",
      retried: false,
    });
    const [code] = await model.lookupAccounts([accountId("code", ledger, "fanclub")]);
    expect([code!.debits_pending, code!.debits_posted]).toEqual([0n, 0n]);
    const third = await hold(model, { items: [{ tierId: "vip", quantity: 1 }], codeId: "fanclub", fanId: "fan-3" });
    expect(settleOutcome(await model.createTransfers(planPost(third.plan.hold)))).toEqual({
      kind: "done",
      retried: false,
    });
    const [after] = await model.lookupAccounts([accountId("code", ledger, "fanclub")]);
    expect(after!.debits_posted).toBe(1n);
  });
});

describe("perks", () => {
  it("are granted exactly N times, once per order", async () => {
    const model = await setUp();
    const orders = [uuidv7(), uuidv7(), uuidv7()];
    const outcomes = [];
    for (const orderId of [...orders, orders[0]!]) {
      const [result] = await model.createTransfers([planPerkGrant({ ledger, perkId: "poster", orderId })]);
      outcomes.push(perkOutcome(result!));
    }
    expect(outcomes).toEqual(["granted", "granted", "gone", "granted"]);
  });
});
