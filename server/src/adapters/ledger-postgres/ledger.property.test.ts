// Goal (R3): the PostgreSQL ledger and the reference model agree on random histories. Each run
// makes a few accounts, then plays random steps — holds (some as linked pairs), posts (full,
// partial, too much), voids, plain payments that may overdraw, invalid requests — each step one
// batch sent 1–5 times, some resends with a changed body. Every answer must match the model's,
// every id has at most one effect, `exists` carries the first timestamp, and at the end every
// balance and every stored transfer match. The seed is printed; set LEDGER_PROPERTY_SEED to replay.
import fc from "fast-check";
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
  type Transfer,
} from "@stampede/shared/ledger/types";
import { createLedger } from "../ledger.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/services.js";

const numRuns = 200;
const seed = Number(process.env.LEDGER_PROPERTY_SEED ?? Date.now() % 2_147_483_647);

type Op =
  | { kind: "hold"; budget: number; amount: number; pairedAmount: number | null }
  | { kind: "post"; target: number; amount: "full" | "partial" | "too_much" }
  | { kind: "void"; target: number; amount: "zero" | "full" | "less" }
  | { kind: "pay"; from: number; to: number; amount: number }
  | { kind: "invalid"; variant: "same_accounts" | "code_zero" | "missing_account" };

interface Step {
  ops: Op[];
  sends: number;
  /** Resends (by number) whose body is changed, and how. */
  change: { send: number; field: "amount" | "user_data_128" | "code" } | null;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("hold" as const),
      budget: fc.integer({ min: 0, max: 1 }),
      amount: fc.integer({ min: 1, max: 4 }),
      pairedAmount: fc.option(fc.integer({ min: 1, max: 3 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("post" as const),
      target: fc.nat(),
      amount: fc.constantFrom("full" as const, "partial" as const, "too_much" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("void" as const),
      target: fc.nat(),
      amount: fc.constantFrom("zero" as const, "full" as const, "less" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("pay" as const),
      from: fc.nat({ max: 4 }),
      to: fc.nat({ max: 4 }),
      amount: fc.integer({ min: 0, max: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("invalid" as const),
      variant: fc.constantFrom("same_accounts" as const, "code_zero" as const, "missing_account" as const),
    }),
  },
);

const stepArb: fc.Arbitrary<Step> = fc
  .record({
    ops: fc.array(opArb, { minLength: 1, maxLength: 3 }),
    sends: fc.integer({ min: 1, max: 5 }),
    change: fc.option(
      fc.record({
        send: fc.integer({ min: 1, max: 4 }),
        field: fc.constantFrom("amount" as const, "user_data_128" as const, "code" as const),
      }),
    ),
  })
  .map((s) => ({ ...s, change: s.change !== null && s.change.send < s.sends ? s.change : null }));

let db: TestDatabase;
let postgres: Ledger;
let runNo = 0;
/** How often each answer came up: shows the runs reach the interesting codes. */
const seen = new Map<string, number>();

beforeAll(async () => {
  db = await createTestDatabase();
  postgres = createLedger("postgres", { databaseUrl: db.url, batching: false });
  console.log(`ledger property test: seed ${seed}, ${numRuns} runs (LEDGER_PROPERTY_SEED=${seed} replays it)`);
});
afterAll(async () => {
  await postgres?.close();
  await db?.drop();
});

/** One run's world: the same accounts in both ledgers, ids unique across runs. */
function world(run: number) {
  const ledger = 50_000 + run;
  let next = 0n;
  const id = () => (BigInt(run) << 64n) + ++next;
  const [source, budget0, budget1, spent, capped] = [id(), id(), id(), id(), id()];
  const accounts = [
    account({ id: source, ledger, code: 1 }),
    account({ id: budget0, ledger, code: 2, flags: AccountFlags.debits_must_not_exceed_credits }),
    account({ id: budget1, ledger, code: 2, flags: AccountFlags.debits_must_not_exceed_credits }),
    account({ id: spent, ledger, code: 3 }),
    account({ id: capped, ledger, code: 4, flags: AccountFlags.credits_must_not_exceed_debits }),
  ];
  const all = [source, budget0, budget1, spent, capped];
  const funding = [
    transfer({ id: id(), debit_account_id: source, credit_account_id: budget0, amount: 6n, ledger, code: 1 }),
    transfer({ id: id(), debit_account_id: source, credit_account_id: budget1, amount: 4n, ledger, code: 1 }),
  ];
  const holds: { id: bigint; amount: bigint }[] = [];
  const base = (fields: Partial<Transfer>) => transfer({ id: id(), ledger, code: 7, ...fields });

  function batchFor(op: Op): Transfer[] {
    switch (op.kind) {
      case "hold": {
        const first = base({
          debit_account_id: op.budget === 0 ? budget0 : budget1,
          credit_account_id: spent,
          amount: BigInt(op.amount),
          timeout: 3_600,
          flags: TF.pending,
        });
        holds.push({ id: first.id, amount: first.amount });
        if (op.pairedAmount === null) return [first];
        const second = base({
          debit_account_id: op.budget === 0 ? budget1 : budget0,
          credit_account_id: spent,
          amount: BigInt(op.pairedAmount),
          timeout: 3_600,
          flags: TF.pending,
        });
        holds.push({ id: second.id, amount: second.amount });
        return [{ ...first, flags: first.flags | TF.linked }, second];
      }
      case "post":
      case "void": {
        const target = holds.length === 0 ? { id: id(), amount: 1n } : holds[op.target % holds.length]!;
        const amounts = {
          full: op.kind === "post" ? amountMax : target.amount,
          partial: target.amount > 1n ? target.amount - 1n : 0n,
          too_much: target.amount + 1n,
          zero: 0n,
          less: target.amount - 1n,
        };
        return [
          transfer({
            id: id(),
            pending_id: target.id,
            amount: amounts[op.amount as keyof typeof amounts],
            flags: op.kind === "post" ? TF.post_pending_transfer : TF.void_pending_transfer,
          }),
        ];
      }
      case "pay":
        return [base({ debit_account_id: all[op.from]!, credit_account_id: all[op.to]!, amount: BigInt(op.amount) })];
      case "invalid":
        if (op.variant === "same_accounts")
          return [base({ debit_account_id: source, credit_account_id: source, amount: 1n })];
        if (op.variant === "code_zero")
          return [base({ debit_account_id: source, credit_account_id: spent, amount: 1n, code: 0 })];
        return [base({ debit_account_id: id(), credit_account_id: spent, amount: 1n })];
    }
  }
  return { accounts, all, funding, batchFor };
}

function changed(t: Transfer, field: "amount" | "user_data_128" | "code"): Transfer {
  if (field === "amount") return { ...t, amount: t.amount === amountMax ? 1n : t.amount + 1n };
  if (field === "user_data_128") return { ...t, user_data_128: t.user_data_128 + 99n };
  return { ...t, code: t.code + 1 };
}

async function play(steps: Step[]): Promise<void> {
  const model = createLedgerModel();
  const w = world(++runNo);
  for (const l of [postgres, model]) {
    await l.createAccounts(w.accounts);
    await l.createTransfers(w.funding);
  }
  const firstTimestamp = new Map<bigint, { pg: bigint; model: bigint }>();
  const created = new Map<bigint, number>();
  for (const step of steps) {
    const batch = step.ops.flatMap((op) => w.batchFor(op));
    for (let send = 0; send < step.sends; send++) {
      const body =
        step.change?.send === send ? batch.map((t, i) => (i === 0 ? changed(t, step.change!.field) : t)) : batch;
      const [pg, mo] = [await postgres.createTransfers(body), await model.createTransfers(body)];
      expect(
        pg.map((r) => transferStatusName(r.status)),
        `step ${JSON.stringify(step.ops)} send ${send}`,
      ).toEqual(mo.map((r) => transferStatusName(r.status)));
      body.forEach((t, i) => {
        const [p, m] = [pg[i]!, mo[i]!];
        seen.set(transferStatusName(p.status), (seen.get(transferStatusName(p.status)) ?? 0) + 1);
        if (transferStatusName(p.status) === "created") {
          created.set(t.id, (created.get(t.id) ?? 0) + 1);
          firstTimestamp.set(t.id, { pg: p.timestamp, model: m.timestamp });
        }
        if (transferStatusName(p.status) === "exists") expect(p.timestamp).toBe(firstTimestamp.get(t.id)!.pg);
      });
    }
  }
  expect([...created.values()].every((n) => n === 1)).toBe(true); // one effect per id
  const strip = <T extends { timestamp: bigint }>(x: T) => ({ ...x, timestamp: 0n });
  expect((await postgres.lookupAccounts(w.all)).map(strip)).toEqual((await model.lookupAccounts(w.all)).map(strip));
  const ids = [...created.keys()];
  expect((await postgres.lookupTransfers(ids)).map(strip)).toEqual((await model.lookupTransfers(ids)).map(strip));
}

describe("R3: PostgreSQL ledger ≡ reference model on random histories", () => {
  it(`agrees on every answer and every balance (${numRuns} runs)`, { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 25 }), (steps) => play(steps)),
      { seed, numRuns, endOnFailure: true },
    );
    console.log(`answers seen: ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => b[1] - a[1])))}`);
    for (const code of [
      "exists",
      "exists_with_different_amount",
      "id_already_failed",
      "exceeds_credits",
      "linked_event_failed",
      "pending_transfer_already_posted",
      "pending_transfer_already_voided",
    ]) {
      expect(seen.get(code) ?? 0, `the runs never produced ${code}`).toBeGreaterThan(0);
    }
  });
});
