// Goal (R1, I1, I2): the last ticket is sold exactly once. Capacity 1; 2, 10 and 50 concurrent
// holds, 30 rounds each, through the auto-batcher and without it (one call per hold, each on its
// own pool connection): exactly one hold is placed every round, the rest are sold out. Perks
// under concurrency are granted exactly N times. After each test, every budget account it used
// satisfies available + held + sold = capacity and held + sold ≤ capacity (I1/I2). Each test sets
// up its own events, so any one of them passes alone and in any order.
// Negative control: the same harness drives a deliberately unguarded hold (read the balance,
// then write, on the same tables) and must show an oversell — otherwise this test proves nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountId } from "@stampede/shared/core/ledger-ids";
import { holdOutcome, perkOutcome, planEventSetup, planHold, planPerkGrant } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import { LedgerUnavailableError, type Ledger } from "@stampede/shared/ledger/port";
import { isAccountSuccess, isTransferSuccess } from "@stampede/shared/ledger/types";
import { createLedger } from "../ledger.js";
import { newLedgerNumber } from "../../../test/support/ledger-conformance/harness.js";
import { createPool, type Pool } from "../postgres/pool.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/services.js";
import { u128ToText } from "./codec.js";

const rounds = 30;
const concurrencies = [2, 10, 50];
/** 30 rounds of up to 50 holds each, on a loaded machine: far above the default test timeout. */
const raceTimeoutMs = 180_000;

let db: TestDatabase;
let pool: Pool;
let batched: Ledger;
let direct: Ledger;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, { max: 50 });
  batched = createLedger("postgres", { databaseUrl: db.url });
  direct = createLedger("postgres", { pool, batching: false });
});
afterAll(async () => {
  await batched?.close();
  await direct?.close();
  await pool?.end();
  await db?.drop();
});

/** A fresh event with one tier of `capacity` (and a perk), set up through the real plans. */
async function freshEvent(ledger: Ledger, capacity: number, perkCapacity = 1): Promise<number> {
  const number = newLedgerNumber();
  const setup = planEventSetup({
    ledger: number,
    tiers: [{ tierId: "ga", capacity }],
    perks: [{ perkId: "poster", capacity: perkCapacity }],
  });
  expect((await ledger.createAccounts(setup.accounts)).every((r) => isAccountSuccess(r.status))).toBe(true);
  expect((await ledger.createTransfers(setup.transfers)).every((r) => isTransferSuccess(r.status))).toBe(true);
  return number;
}

/** Budget accounts of these events, all set up with `capacity`, that break I1 or I2. */
async function unbalancedBudgets(ledgerNumbers: readonly number[], capacity: number): Promise<number[]> {
  const accounts = await batched.lookupAccounts(ledgerNumbers.map((n) => accountId("budget", n, "ga")));
  expect(accounts).toHaveLength(ledgerNumbers.length);
  return ledgerNumbers.filter((_, i) => {
    const account = accounts[i]!;
    const held = account.debits_pending;
    const sold = account.debits_posted;
    const available = account.credits_posted - held - sold;
    return available < 0n || available + held + sold !== BigInt(capacity) || held + sold > BigInt(capacity);
  });
}

type HoldAttempt = (ledgerNumber: number, fan: number) => Promise<boolean>;

interface RaceResult {
  /** Holds placed, per round. */
  successes: number[];
  /** The ledger number of each round's event. */
  events: number[];
}

/** The harness: `concurrency` holds of 1 at once on a capacity-1 tier, `rounds` times. */
async function race(hold: HoldAttempt, setUp: () => Promise<number>, concurrency: number): Promise<RaceResult> {
  const result: RaceResult = { successes: [], events: [] };
  for (let round = 0; round < rounds; round++) {
    const number = await setUp();
    const placed = await Promise.all(Array.from({ length: concurrency }, (_, fan) => hold(number, fan)));
    result.successes.push(placed.filter(Boolean).length);
    result.events.push(number);
  }
  return result;
}

/**
 * As a caller must: an unavailable ledger (say, no free connection, or a call past its deadline
 * on a loaded machine) is retried with the same ids, here for up to 30 s.
 */
async function retrying<T>(call: () => Promise<T>): Promise<{ value: T; retried: boolean }> {
  const deadline = Date.now() + 30_000;
  for (let retried = false; ; retried = true) {
    try {
      return { value: await call(), retried };
    } catch (err) {
      if (!(err instanceof LedgerUnavailableError) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function ledgerHold(ledger: Ledger): HoldAttempt {
  return async (number, fan) => {
    const plan = planHold({
      ledger: number,
      holdId: uuidv7(),
      fanId: `fan-${fan}`,
      perFanMax: 4,
      holdSeconds: 60,
      items: [{ tierId: "ga", quantity: 1 }],
    });
    await retrying(() => ledger.createAccounts(plan.accounts));
    const { value: results, retried } = await retrying(() => ledger.createTransfers(plan.transfers));
    const outcome = holdOutcome(plan, results);
    // A retry may find the abandoned first attempt applied: as the hold (`exists`, placed) or as
    // its refusal (id_already_failed: sold out then, not placed now).
    expect(retried ? ["placed", "sold_out", "already_failed"] : ["placed", "sold_out"]).toContain(outcome.kind);
    return outcome.kind === "placed";
  };
}

/** THE NEGATIVE CONTROL: check-then-write with no lock, on the ledger's own tables. Never do this. */
function unguardedHold(): HoldAttempt {
  return async (number) => {
    const budget = u128ToText(accountId("budget", number, "ga"));
    const { rows } = await pool.query<{ available: string }>(
      "SELECT credits_posted - debits_posted - debits_pending AS available FROM ledger_accounts WHERE id = $1",
      [budget],
    );
    if (BigInt(rows[0]!.available) < 1n) return false;
    await pool.query("UPDATE ledger_accounts SET debits_pending = debits_pending + 1 WHERE id = $1", [budget]);
    return true;
  };
}

describe("R1: the last ticket", () => {
  for (const concurrency of concurrencies) {
    it(
      `${concurrency} concurrent holds through the auto-batcher: exactly one placed, ${rounds} rounds; I1/I2 hold`,
      async () => {
        const { successes, events } = await race(ledgerHold(batched), () => freshEvent(batched, 1), concurrency);
        expect(successes).toEqual(Array(rounds).fill(1));
        expect(await unbalancedBudgets(events, 1)).toEqual([]);
      },
      raceTimeoutMs,
    );

    it(
      `${concurrency} concurrent holds, one call each on its own connection: exactly one placed, ${rounds} rounds; I1/I2 hold`,
      async () => {
        const { successes, events } = await race(ledgerHold(direct), () => freshEvent(direct, 1), concurrency);
        expect(successes).toEqual(Array(rounds).fill(1));
        expect(await unbalancedBudgets(events, 1)).toEqual([]);
      },
      raceTimeoutMs,
    );
  }

  it(
    "negative control: the same harness catches an oversell when the guard is removed",
    async () => {
      const oversold: Record<number, number> = {};
      const controlEvents: number[] = [];
      for (const concurrency of concurrencies) {
        const { successes, events } = await race(unguardedHold(), () => freshEvent(batched, 1), concurrency);
        oversold[concurrency] = successes.filter((n) => n > 1).length;
        controlEvents.push(...events);
      }
      console.log(`negative control: rounds oversold (of ${rounds}) by concurrency: ${JSON.stringify(oversold)}`);
      expect(oversold[10]! + oversold[50]!).toBeGreaterThan(0);
      // The same I1/I2 check as in the guarded runs flags the control's budgets.
      expect((await unbalancedBudgets(controlEvents, 1)).length).toBeGreaterThan(0);
    },
    raceTimeoutMs,
  );
});

describe("perks under concurrency", () => {
  for (const [name, ledger] of [
    ["batched", () => batched],
    ["one call each", () => direct],
  ] as const) {
    it(
      `5 perks, 50 concurrent grants, each order twice: exactly 5 granted (${name})`,
      async () => {
        const number = await freshEvent(ledger(), 10, 5);
        const orders = Array.from({ length: 50 }, () => uuidv7());
        const grant = async (orderId: string) =>
          perkOutcome(
            (
              await retrying(() =>
                ledger().createTransfers([planPerkGrant({ ledger: number, perkId: "poster", orderId })]),
              )
            ).value[0]!,
          );
        const first = await Promise.all(orders.map(grant));
        const again = await Promise.all(orders.map(grant));
        expect(first.filter((o) => o === "granted")).toHaveLength(5);
        expect(again).toEqual(first); // a retry gets the first answer, never a second perk
        const [granted] = await ledger().lookupAccounts([accountId("perk_granted", number, "poster")]);
        expect(granted!.credits_posted).toBe(5n);
        expect(await unbalancedBudgets([number], 10)).toEqual([]);
      },
      raceTimeoutMs,
    );
  }
});
