// Goal: bounded hold expiry changes no answer. With the per-call limit cut to 2 (in this file's own
// database), random histories almost always leave due holds unmarked: holds on two budget
// accounts (some linked across both, some with a short timeout), posts and voids of earlier holds,
// jumps of the ledger's clock past the short timeouts, housekeeping calls, and the unbounded
// expiry of 0010 written straight to the tables (a process not yet restarted). Every answer must
// equal the reference model's, every balance read must too, every call marks at most the limit,
// and the stored balances keep their meaning: the sum of the holds still marked pending. The seed
// is printed; set LEDGER_EXPIRY_SEED to replay.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerModel } from "../../../../shared/test/ledger-model.js";
import type { Ledger } from "@stampede/shared/ledger/port";
import {
  AccountFlags,
  TransferFlags as TF,
  account,
  amountMax,
  transfer,
  transferStatusName,
  type Account,
  type Transfer,
} from "@stampede/shared/ledger/types";
import { createLedger } from "../ledger.js";
import { u128ToText } from "./codec.js";
import { createTestDatabase, testPool, type TestDatabase } from "../../../test/support/services.js";

const numRuns = 100;
const seed = Number(process.env.LEDGER_EXPIRY_SEED ?? Date.now() % 2_147_483_647);
const limit = 2;
// Timeouts and jumps far apart, so a run's own wall time (seconds) never decides what is due.
const shortSeconds = 1_000;
const longSeconds = 10_000_000;
const jumpNs = 2_000n * 1_000_000_000n;

type Op =
  | { kind: "hold"; budget: number; amount: number; short: boolean; paired: boolean }
  | { kind: "post" | "void"; target: number; partial: boolean };
type Step = { kind: "batch"; ops: Op[] } | { kind: "jump" } | { kind: "housekeep" } | { kind: "legacy" };

const holdArb = fc.record({
  kind: fc.constant("hold" as const),
  budget: fc.integer({ min: 0, max: 1 }),
  amount: fc.integer({ min: 1, max: 3 }),
  short: fc.boolean(),
  paired: fc.boolean(),
});
const endArb = fc.record({
  kind: fc.constantFrom("post" as const, "void" as const),
  target: fc.nat(),
  partial: fc.boolean(),
});
const opArb: fc.Arbitrary<Op> = fc.oneof({ weight: 3, arbitrary: holdArb }, { weight: 2, arbitrary: endArb });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant("batch" as const), ops: fc.array(opArb, { minLength: 1, maxLength: 6 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "jump" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "housekeep" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "legacy" as const }) },
);

/** What 0010's ledger_create_transfers did first: mark every due hold expired, fix the accounts. */
const legacyExpiry = `
  WITH now AS (SELECT ledger_tick(0) AS ns),
  due AS (UPDATE ledger_transfers t SET pending_status = 4 FROM now WHERE t.pending_status = 1 AND t.expires_at <= now.ns
          RETURNING t.debit_account_id, t.credit_account_id, t.amount),
  sums AS (SELECT u.id, sum(u.dp) AS dp, sum(u.cp) AS cp FROM (
             SELECT debit_account_id AS id, amount AS dp, 0 AS cp FROM due UNION ALL SELECT credit_account_id, 0, amount FROM due) u
           GROUP BY u.id)
  UPDATE ledger_accounts a SET debits_pending = a.debits_pending - s.dp, credits_pending = a.credits_pending - s.cp
  FROM sums s WHERE a.id = s.id`;

let db: TestDatabase;
let pool: pg.Pool;
let postgres: Ledger;
let offsetNs = 0n; // the model's clock jumps with the ledger's
let runNo = 0;
let backlogSeenMax = 0;
const seen = new Map<string, number>();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool(db.url, 2);
  await pool.query(`CREATE OR REPLACE FUNCTION ledger_expired_per_call_max() RETURNS integer LANGUAGE sql IMMUTABLE
                    AS $$ SELECT ${limit} $$`);
  postgres = createLedger("postgres", { databaseUrl: db.url, batching: false });
  console.log(`ledger expiry property test: seed ${seed}, ${numRuns} runs (LEDGER_EXPIRY_SEED=${seed} replays it)`);
});
afterAll(async () => {
  await postgres?.close();
  await pool?.end();
  await db?.drop();
});

async function count(where: string): Promise<number> {
  return Number(
    (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ledger_transfers WHERE ${where}`)).rows[0]!.n,
  );
}
const markedExpired = () => count("pending_status = 4");
const dueUnmarked = () =>
  count("pending_status = 1 AND expires_at <= (SELECT greatest(last_timestamp, ledger_now_ns()) FROM ledger_clock)");

/** Stored pending balances are the sums of the holds still marked pending, and so are ledger_expiring's rows. */
async function expectStoredMeaning(ids: bigint[]): Promise<void> {
  const marked = (side: string, timed: boolean) =>
    `(SELECT coalesce(sum(amount), 0) FROM ledger_transfers WHERE ${side}_account_id = a.id AND pending_status = 1
      ${timed ? "AND expires_at IS NOT NULL" : ""})`;
  const expiring = (side: string) => `(SELECT coalesce(sum(${side}), 0) FROM ledger_expiring WHERE account_id = a.id)`;
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT a.debits_pending AS dp, a.credits_pending AS cp, ${marked("debit", false)} AS mdp, ${marked("credit", false)} AS mcp,
            ${expiring("debits")} AS edp, ${expiring("credits")} AS ecp, ${marked("debit", true)} AS tdp, ${marked("credit", true)} AS tcp
     FROM ledger_accounts a WHERE a.id = ANY ($1::uuid[])`,
    [ids.map(u128ToText)],
  );
  for (const r of rows) expect([r.dp, r.cp, r.edp, r.ecp]).toEqual([r.mdp, r.mcp, r.tdp, r.tcp]);
}

function world(run: number) {
  const ledger = 60_000 + run;
  let next = 0n;
  const id = () => (BigInt(run) << 64n) + ++next;
  const [source, budget0, budget1, spent] = [id(), id(), id(), id()];
  const accounts: Account[] = [
    account({ id: source, ledger, code: 1 }),
    account({ id: budget0, ledger, code: 2, flags: AccountFlags.debits_must_not_exceed_credits }),
    account({ id: budget1, ledger, code: 2, flags: AccountFlags.debits_must_not_exceed_credits }),
    account({ id: spent, ledger, code: 3 }),
  ];
  const funding = [budget0, budget1].map((b) =>
    transfer({ id: id(), debit_account_id: source, credit_account_id: b, amount: 8n, ledger, code: 1 }),
  );
  const holds: { id: bigint; amount: bigint }[] = [];
  const hold = (budget: bigint, amount: number, short: boolean, flags = 0) => {
    const timeout = short ? shortSeconds : longSeconds;
    const fields = { debit_account_id: budget, credit_account_id: spent, amount: BigInt(amount), ledger, code: 7 };
    const t = transfer({ id: id(), ...fields, flags: TF.pending | flags, timeout });
    holds.push({ id: t.id, amount: t.amount });
    return t;
  };
  function batchFor(op: Op): Transfer[] {
    if (op.kind === "hold") {
      const [mine, other] = op.budget === 0 ? [budget0, budget1] : [budget1, budget0];
      if (!op.paired) return [hold(mine, op.amount, op.short)];
      return [hold(mine, op.amount, op.short, TF.linked), hold(other, 1, !op.short)];
    }
    const target = holds.length === 0 ? { id: id(), amount: 1n } : holds[op.target % holds.length]!;
    if (op.kind === "post") {
      const amount = op.partial && target.amount > 1n ? target.amount - 1n : amountMax;
      return [transfer({ id: id(), pending_id: target.id, amount, flags: TF.post_pending_transfer })];
    }
    return [
      transfer({
        id: id(),
        pending_id: target.id,
        amount: op.partial ? target.amount : 0n,
        flags: TF.void_pending_transfer,
      }),
    ];
  }
  return { accounts, all: [source, budget0, budget1, spent], funding, batchFor };
}

async function expectSameBalances(model: Ledger, ids: bigint[]): Promise<void> {
  const strip = (a: Account) => [a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted];
  expect((await postgres.lookupAccounts(ids)).map(strip)).toEqual((await model.lookupAccounts(ids)).map(strip));
}

async function play(steps: Step[]): Promise<void> {
  const model = createLedgerModel({ nowNs: () => BigInt(Date.now()) * 1_000_000n + offsetNs });
  const w = world(++runNo);
  for (const l of [postgres, model]) {
    await l.createAccounts(w.accounts);
    await l.createTransfers(w.funding);
  }
  for (const step of steps) {
    const before = await markedExpired();
    if (step.kind === "jump") {
      await pool.query("UPDATE ledger_clock SET last_timestamp = greatest(last_timestamp, ledger_now_ns()) + $1", [
        jumpNs.toString(),
      ]);
      offsetNs += jumpNs;
    } else if (step.kind === "housekeep") {
      await pool.query("SELECT ledger_expire_due($1)", [limit]);
    } else if (step.kind === "legacy") {
      await pool.query(legacyExpiry);
    } else {
      backlogSeenMax = Math.max(backlogSeenMax, await dueUnmarked());
      const batch = step.ops.flatMap((op) => w.batchFor(op));
      const names = (await postgres.createTransfers(batch)).map((r) => transferStatusName(r.status));
      expect(names, JSON.stringify(step.ops)).toEqual(
        (await model.createTransfers(batch)).map((r) => transferStatusName(r.status)),
      );
      for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    if (step.kind !== "legacy") expect(await markedExpired()).toBeLessThanOrEqual(before + limit);
    await expectSameBalances(model, w.all);
    await expectStoredMeaning(w.all);
  }
}

describe("bounded hold expiry ≡ reference model on random histories", () => {
  it(
    `agrees on every answer and balance, ${limit} holds marked per call (${numRuns} runs)`,
    { timeout: 180_000 },
    async () => {
      const histories = fc.array(stepArb, { minLength: 1, maxLength: 20 });
      await fc.assert(
        fc.asyncProperty(histories, (steps) => play(steps)),
        { seed, numRuns, endOnFailure: true },
      );
      console.log(
        `answers seen: ${JSON.stringify(Object.fromEntries(seen))}; most due holds unmarked before a call: ${backlogSeenMax}`,
      );
      expect(backlogSeenMax, "no call ever met more due holds than the limit").toBeGreaterThan(limit);
      const codes = [
        "created",
        "exceeds_credits",
        "pending_transfer_expired",
        "linked_event_failed",
        "pending_transfer_already_posted",
      ];
      for (const code of codes) {
        expect(seen.get(code) ?? 0, `the runs never produced ${code}`).toBeGreaterThan(0);
      }
    },
  );
});
