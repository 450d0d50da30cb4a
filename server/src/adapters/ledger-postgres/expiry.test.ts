// Goal: hold expiry is bounded per call and still exact. After a mass expiry — 20,000 holds of one
// sale, all on the same tier budget account, due at once — one create_transfers call marks at
// most ledger_expired_per_call_max() of them (before 0012 it marked every one: the unbounded
// UPDATE that could outlast the statement timeout and roll back forever). Yet every balance it
// checks is as of now: a hold for exactly the available stock is placed and one unit more is
// refused; posting or voiding a due hold not marked yet answers pending_transfer_expired. Later
// calls and the housekeeping function mark the rest, each within the limit, and at every step
// the answers and balances equal the reference model's. Time moves with the ledger's own clock
// row (ledger_clock), never by waiting.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerModel } from "../../../../shared/test/ledger-model.js";
import { ledgerBatchEventsMax } from "@stampede/shared/limits";
import type { Ledger } from "@stampede/shared/ledger/port";
import { AccountFlags, TransferFlags as TF, type Account, type Transfer } from "@stampede/shared/ledger/types";
import { createLedger } from "../ledger.js";
import { Book, accountNames, transferNames } from "../../../test/support/ledger-conformance/harness.js";
import { u128ToText } from "./codec.js";
import { createTestDatabase, testPool, type TestDatabase } from "../../../test/support/services.js";

const dueHolds = 20_000;
const longHolds = 500;
const sold = 100n;
const capacity = 30_000n;
const holdSeconds = 60;
const jumpNs = 120_000_000_000n; // past the holds' timeout, far short of the long holds'

let db: TestDatabase;
let pool: pg.Pool;
let postgres: Ledger;
/** The reference model on a clock that jumps with the ledger's. */
let modelOffsetNs = 0n;
const model = createLedgerModel({ nowNs: () => BigInt(Date.now()) * 1_000_000n + modelOffsetNs });

beforeAll(async () => {
  db = await createTestDatabase();
  pool = testPool(db.url, 2);
  postgres = createLedger("postgres", { databaseUrl: db.url, batching: false, callTimeoutMs: 30_000 });
});
afterAll(async () => {
  await postgres?.close();
  await pool?.end();
  await db?.drop();
});

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await pool.query<T>(text, values)).rows;
}

async function perCallMax(): Promise<number> {
  return (await sql<{ n: number }>("SELECT ledger_expired_per_call_max() AS n"))[0]!.n;
}

async function markedExpired(): Promise<number> {
  return Number(
    (await sql<{ n: string }>("SELECT count(*) AS n FROM ledger_transfers WHERE pending_status = 4"))[0]!.n,
  );
}

async function pendingStatus(id: bigint): Promise<number> {
  return (
    await sql<{ s: number }>("SELECT pending_status AS s FROM ledger_transfers WHERE id = $1", [u128ToText(id)])
  )[0]!.s;
}

/** Moves both clocks past the holds' timeout: the ledger's clock row and the model's. */
async function jumpClocks(): Promise<void> {
  await sql("UPDATE ledger_clock SET last_timestamp = greatest(last_timestamp, ledger_now_ns()) + $1", [
    jumpNs.toString(),
  ]);
  modelOffsetNs += jumpNs;
}

async function createAccountsInBoth(accounts: Account[]): Promise<void> {
  const [a, b] = await Promise.all([postgres.createAccounts(accounts), model.createAccounts(accounts)]);
  expect(accountNames(a)).toEqual(accounts.map(() => "created"));
  expect(accountNames(b)).toEqual(accountNames(a));
}

/** Sends one batch to both ledgers; the answers must agree. Returns the answers' names. */
async function sendToBoth(transfers: Transfer[]): Promise<string[]> {
  const names = transferNames(await postgres.createTransfers(transfers));
  expect(transferNames(await model.createTransfers(transfers))).toEqual(names);
  return names;
}

/** Stored balances (the table itself) must be the sum of the holds still marked pending. */
async function expectStoredMeaning(id: bigint): Promise<void> {
  const [row] = await sql<{ stored: string; marked: string }>(
    `SELECT a.debits_pending AS stored,
            (SELECT coalesce(sum(t.amount), 0) FROM ledger_transfers t WHERE t.debit_account_id = a.id AND t.pending_status = 1) AS marked
     FROM ledger_accounts a WHERE a.id = $1`,
    [u128ToText(id)],
  );
  expect(row!.stored).toBe(row!.marked);
}

async function expectBalancesLikeModel(ids: bigint[]): Promise<void> {
  const strip = (a: Account) => ({
    id: a.id,
    dp: a.debits_pending,
    dpo: a.debits_posted,
    cp: a.credits_pending,
    cpo: a.credits_posted,
  });
  const [a, b] = await Promise.all([postgres.lookupAccounts(ids), model.lookupAccounts(ids)]);
  expect(a.map(strip)).toEqual(b.map(strip));
}

describe("hold expiry is bounded per call", () => {
  it("20,000 holds of one budget due at once: each call marks at most the limit, balances stay exact", async () => {
    const limit = await perCallMax();
    expect(dueHolds).toBeGreaterThan(4 * limit); // the backlog outlasts several calls
    const book = new Book(postgres);
    const budget = book.account({ flags: AccountFlags.debits_must_not_exceed_credits });
    const [source, spent] = [book.account(), book.account()];
    await createAccountsInBoth([source, budget, spent]);
    const accounts = [source.id, budget.id, spent.id];
    const hold = (amount: bigint, timeout = holdSeconds) =>
      book.transfer(budget.id, spent.id, amount, { flags: TF.pending, timeout });
    const postOrVoid = (flags: number, pending: Transfer) =>
      book.transfer(0n, 0n, 0n, { flags, pending_id: pending.id, ledger: 0, code: 0 });
    const setup = [book.transfer(source.id, budget.id, capacity), book.transfer(budget.id, spent.id, sold)];
    expect(await sendToBoth(setup)).toEqual(["created", "created"]);

    // The on-sale: 20,000 one-ticket holds (in the largest batches a request may hold), and 500
    // more with a long timeout that must stay held.
    const holds = Array.from({ length: dueHolds }, () => hold(1n));
    for (let i = 0; i < holds.length; i += ledgerBatchEventsMax) {
      const names = await sendToBoth(holds.slice(i, i + ledgerBatchEventsMax));
      expect(names.every((n) => n === "created")).toBe(true);
    }
    expect(await sendToBoth(Array.from({ length: longHolds }, () => hold(1n, 3_600)))).toEqual(
      Array(longHolds).fill("created"),
    );

    await jumpClocks();
    // No write yet: reads already see the due holds as expired.
    await expectBalancesLikeModel(accounts);
    const available = capacity - sold - BigInt(longHolds);
    const newest = holds[holds.length - 1]!;
    const another = holds[holds.length - 2]!;

    // One call: one unit too many is refused, exactly the available stock is placed, and a due
    // hold not marked yet can be neither posted nor voided.
    const big = hold(available);
    const ends = [postOrVoid(TF.post_pending_transfer, newest), postOrVoid(TF.void_pending_transfer, another)];
    expect(await sendToBoth([hold(available + 1n), big, ...ends])).toEqual([
      "exceeds_credits",
      "created",
      "pending_transfer_expired",
      "pending_transfer_expired",
    ]);
    expect(await markedExpired()).toBe(limit);
    expect(await pendingStatus(newest.id)).toBe(1); // the case above was the unmarked one
    await expectBalancesLikeModel(accounts);
    await expectStoredMeaning(budget.id);

    // A second call marks the next chunk, no more; the stock the big hold returns is exact.
    expect(await sendToBoth([postOrVoid(TF.void_pending_transfer, big), hold(available), hold(1n)])).toEqual([
      "created",
      "created",
      "exceeds_credits",
    ]);
    expect(await markedExpired()).toBe(2 * limit);
    await expectBalancesLikeModel(accounts);
    await expectStoredMeaning(budget.id);

    // Housekeeping marks the rest, at most the limit per call, then reports none left.
    let calls = 0;
    for (;;) {
      const before = await markedExpired();
      const [row] = await sql<{ n: number }>("SELECT ledger_expire_due($1) AS n", [limit]);
      calls += 1;
      expect(row!.n).toBeLessThanOrEqual(limit);
      expect(await markedExpired()).toBe(before + row!.n);
      if (row!.n < limit) break;
      expect(calls).toBeLessThan(dueHolds / limit + 2);
    }
    expect(await markedExpired()).toBe(dueHolds);
    expect(await pendingStatus(newest.id)).toBe(4);
    await expectStoredMeaning(budget.id);
    await expectBalancesLikeModel(accounts);
    // Marked or not, the stored balance is now the as-of-now one.
    const [stored] = await sql<{ dp: string }>("SELECT debits_pending AS dp FROM ledger_accounts WHERE id = $1", [
      u128ToText(budget.id),
    ]);
    expect(BigInt(stored!.dp)).toBe(BigInt(longHolds) + available);
  });

  it("the edge: a hold not marked yet counts as pending 1 ns before its expiry and as expired at it", async () => {
    const limit = await perCallMax();
    const book = new Book(postgres);
    const [source, budget, spent] = await book.open({}, { flags: AccountFlags.debits_must_not_exceed_credits }, {});
    await book.send(book.transfer(source!, budget!, 10_000n));
    const hold = (amount: bigint) =>
      book.transfer(budget!, spent!, amount, { flags: TF.pending, timeout: holdSeconds });
    // Older holds, enough that two calls each reach the limit and leave the last one unmarked.
    const older = Array.from({ length: 2 * limit + 100 }, () => hold(1n));
    expect((await book.send(...older)).every((n) => n === "created")).toBe(true);
    const last = hold(5n);
    expect(await book.send(last)).toEqual(["created"]);
    const [row] = await sql<{ e: string }>("SELECT expires_at AS e FROM ledger_transfers WHERE id = $1", [
      u128ToText(last.id),
    ]);
    const expiresAt = BigInt(row!.e);
    // The ledger's clock to 2 ns before: a one-event batch then checks as of expiresAt - 1.
    await sql("UPDATE ledger_clock SET last_timestamp = $1", [(expiresAt - 2n).toString()]);
    expect(await book.send(hold(10_000n - 5n + 1n))).toEqual(["exceeds_credits"]); // `last` still holds 5
    // The next one-event batch checks as of expiresAt itself: `last` is due, in that very millisecond.
    expect(await book.send(hold(10_000n))).toEqual(["created"]);
    expect(await pendingStatus(last.id)).toBe(1); // not marked: the correction counted it
  });
});
