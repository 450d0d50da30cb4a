// Goal: a listing's one ledger unit decides every race of a resale, in the reference ledger model
// with a clock the test moves: of several buyers exactly one locks it (control: an account without
// debits_must_not_exceed_credits lets every buyer lock the same ticket); a lock nobody pays ends by
// itself when its timeout passes and the listing can be locked again; while locked the seller can
// neither re-price nor withdraw (and a refusal does not stop them later, once the lock is gone); a
// paid (posted) or withdrawn listing can never be locked again;
// a buyer's lock counts against the per-fan allowance.
import { describe, expect, it } from "vitest";
import { createLedgerModel } from "../../test/ledger-model.js";
import { uuidv7 } from "../ids.js";
import { AccountFlags, account } from "../ledger/types.js";
import { accountId } from "./ledger-ids.js";
import { accountCodes, planEventSetup, settleOutcome } from "./ledger-plans.js";
import {
  guardSeconds,
  lockOutcome,
  planGuard,
  planGuardEnd,
  planListingLock,
  planListingSetup,
  planLockSettle,
  singleOutcome,
  type LockSlot,
} from "./resale-plans.js";

const ledgerNo = 77;

async function setup(options: { unguarded?: boolean } = {}) {
  let nowMs = Date.UTC(2026, 11, 7, 20);
  const ledger = createLedgerModel({ nowNs: () => BigInt(nowMs) * 1_000_000n });
  const event = planEventSetup({ ledger: ledgerNo, tiers: [], perks: [] });
  await ledger.createAccounts(event.accounts);
  const listingId = uuidv7();
  const plan = planListingSetup({ ledger: ledgerNo, listingId });
  if (options.unguarded) {
    // The control: the same account without the flag that makes it hold one unit at most.
    const id = accountId("listing", ledgerNo, listingId);
    await ledger.createAccounts([
      account({ id, ledger: ledgerNo, code: accountCodes.listing, flags: AccountFlags.none }),
    ]);
  }
  await ledger.createAccounts(plan.accounts);
  expect(singleOutcome((await ledger.createTransfers(plan.transfers))[0])).toBe("done");
  const ref = { ledger: ledgerNo, listingId };
  const lock = async (fanId = uuidv7(), options: { slot?: LockSlot; purchaseId?: string; perFanMax?: number } = {}) => {
    const purchaseId = options.purchaseId ?? uuidv7();
    const slot = options.slot ?? "lock";
    const p = planListingLock({ ...ref, purchaseId, fanId, perFanMax: options.perFanMax ?? 4, lockSeconds: 60, slot });
    await ledger.createAccounts(p.accounts);
    return { purchaseId, outcome: lockOutcome(await ledger.createTransfers(p.transfers)) };
  };
  return { ledger, ref, lock, advance: (ms: number) => (nowMs += ms) };
}

describe("resale plans in the ledger model", () => {
  it("of five buyers exactly one locks the listing; without the account's flag all five would", async () => {
    const guarded = await setup();
    const kinds = [];
    for (let i = 0; i < 5; i++) kinds.push((await guarded.lock()).outcome.kind);
    expect(kinds.sort()).toEqual(["locked", "taken", "taken", "taken", "taken"]);

    const control = await setup({ unguarded: true });
    const controlKinds = [];
    for (let i = 0; i < 5; i++) controlKinds.push((await control.lock()).outcome.kind);
    expect(controlKinds).toEqual(["locked", "locked", "locked", "locked", "locked"]);
  });

  it("an unpaid lock ends by itself: locked again after its timeout, not before", async () => {
    const { lock, advance, ledger } = await setup();
    const first = await lock();
    expect(first.outcome.kind).toBe("locked");
    advance(59_000);
    expect((await lock()).outcome.kind).toBe("taken");
    advance(1_500);
    const second = await lock();
    expect(second.outcome.kind).toBe("locked");
    // The first buyer's payment can no longer post its lock: it is the late path's to re-lock.
    expect(settleOutcome(await ledger.createTransfers(planLockSettle(first.purchaseId, "lock", "post"))).kind).toBe(
      "expired",
    );
  });

  it("while locked the seller can neither re-price nor withdraw; refused, they can once the lock ends", async () => {
    const { lock, ledger, ref } = await setup();
    const guard = async () => {
      const id = uuidv7();
      return { id, outcome: singleOutcome((await ledger.createTransfers([planGuard(ref, id)]))[0]) };
    };
    const end = async (id: string, verb: "post" | "void") =>
      settleOutcome(await ledger.createTransfers(planGuardEnd(id, verb))).kind;
    const held = await lock();
    expect((await guard()).outcome).toBe("taken");
    expect((await guard()).outcome).toBe("taken"); // a refusal burns no id the seller needs later
    expect(settleOutcome(await ledger.createTransfers(planLockSettle(held.purchaseId, "lock", "void"))).kind).toBe(
      "done",
    );
    const pricing = await guard();
    expect(pricing.outcome).toBe("done");
    expect((await lock()).outcome.kind).toBe("taken"); // a buyer cannot lock mid-change
    expect(await end(pricing.id, "void")).toBe("done");
    const withdrawing = await guard();
    expect(withdrawing.outcome).toBe("done");
    expect(await end(withdrawing.id, "post")).toBe("done");
    expect((await lock()).outcome.kind).toBe("taken"); // withdrawn for good
    expect((await guard()).outcome).toBe("taken");
  });

  it("a guard left behind by a crash gives the unit back by itself", async () => {
    const { lock, ledger, ref, advance } = await setup();
    expect(singleOutcome((await ledger.createTransfers([planGuard(ref, uuidv7())]))[0])).toBe("done");
    expect((await lock()).outcome.kind).toBe("taken");
    advance(guardSeconds * 1000 + 1);
    expect((await lock()).outcome.kind).toBe("locked");
  });

  it("a paid lock is final; a retried lock or post answers as the first did", async () => {
    const { lock, ledger } = await setup();
    const fanId = uuidv7();
    const paid = await lock(fanId);
    const again = await lock(fanId, { purchaseId: paid.purchaseId });
    expect(again.outcome).toEqual({ kind: "locked", retried: true });
    const post = () => ledger.createTransfers(planLockSettle(paid.purchaseId, "lock", "post"));
    expect(settleOutcome(await post())).toEqual({ kind: "done", retried: false });
    expect(settleOutcome(await post())).toEqual({ kind: "done", retried: true });
    expect((await lock()).outcome.kind).toBe("taken");
    // The late slot cannot take it either: a payment after this sale is refunded.
    expect((await lock(uuidv7(), { slot: "late", purchaseId: uuidv7() })).outcome.kind).toBe("taken");
  });

  it("a buyer's lock counts against the per-fan allowance", async () => {
    const { lock, ledger } = await setup();
    const fanId = uuidv7();
    expect((await lock(fanId, { perFanMax: 1 })).outcome.kind).toBe("locked");
    // A second listing of the same event: this fan's one ticket is used by the first lock.
    const listingId = uuidv7();
    const other = planListingSetup({ ledger: ledgerNo, listingId });
    await ledger.createAccounts(other.accounts);
    await ledger.createTransfers(other.transfers);
    const lockOther = async (fan: string) => {
      const p = planListingLock({
        ...{ ledger: ledgerNo, listingId, purchaseId: uuidv7(), fanId: fan },
        ...{ perFanMax: 1, lockSeconds: 60, slot: "lock" as const },
      });
      await ledger.createAccounts(p.accounts);
      return lockOutcome(await ledger.createTransfers(p.transfers)).kind;
    };
    expect(await lockOther(fanId)).toBe("fan_limit_reached");
    expect(await lockOther(uuidv7())).toBe("locked"); // control: another fan may
  });
});
