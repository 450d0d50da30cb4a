// Conformance, part 3: two-phase transfers — pending, post (full and partial), void, every
// post/void result code, and expiry by timeout with real waiting, including posts racing the
// hold's last instant: a hold ends posted or expired, never both, and its stock comes back.
import { expect, it } from "vitest";
import type { Ledger } from "@stampede/shared/ledger/port";
import { TransferFlags as TF, amountMax, transfer, u128Max } from "@stampede/shared/ledger/types";
import { Book, newId, sleep } from "./harness.js";

const post = (pendingId: bigint, amount: bigint = amountMax, fields = {}) =>
  transfer({ id: newId(), pending_id: pendingId, amount, flags: TF.post_pending_transfer, ...fields });
const voidOf = (pendingId: bigint, amount = 0n, fields = {}) =>
  transfer({ id: newId(), pending_id: pendingId, amount, flags: TF.void_pending_transfer, ...fields });

async function stocked(ledger: Ledger, stock = 10n) {
  const book = new Book(ledger);
  const [source, spent] = await book.open({}, {});
  const budget = await book.limited(source!, stock);
  const hold = (amount: bigint, timeout = 60, fields = {}) =>
    book.transfer(budget, spent!, amount, { flags: TF.pending, timeout, ...fields });
  return { book, budget, spent: spent!, source: source!, hold };
}

export function twoPhaseCases(ledger: () => Ledger): void {
  it("a pending transfer holds; posting amount_max posts it whole; a retried post is `exists`", async () => {
    const { book, budget, spent, hold } = await stocked(ledger());
    const p = hold(4n, 60, { user_data_64: 77n });
    expect(await book.send(p)).toEqual(["created"]);
    expect(await book.balances(budget)).toEqual({ dp: 4n, dpo: 0n, cp: 0n, cpo: 10n });
    const ps = post(p.id);
    expect(await book.send(ps, ps)).toEqual(["created", "exists"]);
    expect(await book.balances(budget)).toEqual({ dp: 0n, dpo: 4n, cp: 0n, cpo: 10n });
    expect(await book.balances(spent)).toEqual({ dp: 0n, dpo: 0n, cp: 0n, cpo: 4n });
    const [stored] = await ledger().lookupTransfers([ps.id]);
    // A post's zero fields are filled from the pending transfer.
    expect(stored).toMatchObject({
      debit_account_id: budget,
      credit_account_id: spent,
      amount: 4n,
      ledger: p.ledger,
      code: p.code,
      user_data_64: 77n,
      pending_id: p.id,
    });
    expect(await book.send({ ...ps, amount: 3n })).toEqual(["exists_with_different_amount"]);
  });

  it("a partial post posts part and releases the rest; too much is exceeds_pending_transfer_amount", async () => {
    const { book, budget, hold } = await stocked(ledger());
    const p = hold(4n);
    await book.send(p);
    expect(await book.send(post(p.id, 5n), post(p.id, 3n))).toEqual(["exceeds_pending_transfer_amount", "created"]);
    expect(await book.balances(budget)).toMatchObject({ dp: 0n, dpo: 3n });
  });

  it("voiding releases the stock; a void must be 0 or the whole amount", async () => {
    const { book, budget, hold } = await stocked(ledger());
    const p = hold(4n);
    await book.send(p);
    const v = voidOf(p.id);
    expect(await book.send(voidOf(p.id, 3n), voidOf(p.id, 5n), v, v)).toEqual([
      "pending_transfer_has_different_amount",
      "exceeds_pending_transfer_amount",
      "created",
      "exists",
    ]);
    expect(await book.balances(budget)).toMatchObject({ dp: 0n, dpo: 0n });
    expect(await book.send(post(p.id), voidOf(p.id, 4n))).toEqual([
      "pending_transfer_already_voided",
      "pending_transfer_already_voided",
    ]);
    const q = hold(1n);
    expect(await book.send(q, post(q.id), voidOf(q.id))).toEqual([
      "created",
      "created",
      "pending_transfer_already_posted",
    ]);
  });

  it("rejects bad posts and voids with TigerBeetle's codes", async () => {
    const { book, source, spent, hold } = await stocked(ledger());
    const p = hold(2n);
    const plain = book.transfer(source, spent, 1n);
    await book.send(p, plain);
    const id = newId();
    expect(
      await book.send(
        post(p.id, amountMax, { flags: TF.post_pending_transfer | TF.void_pending_transfer }),
        post(p.id, amountMax, { flags: TF.post_pending_transfer | TF.pending }),
        post(0n),
        post(u128Max),
        transfer({ id, pending_id: id, flags: TF.post_pending_transfer }),
        post(p.id, amountMax, { timeout: 1 }),
        post(newId()),
        post(plain.id),
        post(p.id, amountMax, { debit_account_id: spent }),
        post(p.id, amountMax, { credit_account_id: source }),
        post(p.id, amountMax, { ledger: p.ledger + 1 }),
        post(p.id, amountMax, { code: 9 }),
      ),
    ).toEqual([
      "flags_are_mutually_exclusive",
      "flags_are_mutually_exclusive",
      "pending_id_must_not_be_zero",
      "pending_id_must_not_be_int_max",
      "pending_id_must_be_different",
      "timeout_reserved_for_pending_transfer",
      "pending_transfer_not_found",
      "pending_transfer_not_pending",
      "pending_transfer_has_different_debit_account_id",
      "pending_transfer_has_different_credit_account_id",
      "pending_transfer_has_different_ledger",
      "pending_transfer_has_different_code",
    ]);
  });

  it("holds count against the limit: pending debits exceed credits too", async () => {
    const { book, hold } = await stocked(ledger(), 3n);
    expect(await book.send(hold(2n), hold(2n), hold(1n))).toEqual(["created", "exceeds_credits", "created"]);
  });

  it("a hold expires at its timeout: reads count it as gone, post and void say pending_transfer_expired", async () => {
    const { book, budget, hold } = await stocked(ledger());
    const p = hold(3n, 1);
    const q = hold(2n, 1);
    await book.send(p, q);
    expect(await book.balances(budget)).toMatchObject({ dp: 5n });
    await sleep(1_300);
    // No write has happened since: the read itself must not show stock held past its timeout.
    expect(await book.balances(budget)).toEqual({ dp: 0n, dpo: 0n, cp: 0n, cpo: 10n });
    expect(await book.send(post(p.id), voidOf(q.id))).toEqual(["pending_transfer_expired", "pending_transfer_expired"]);
    expect(await book.send(hold(10n))).toEqual(["created"]);
  });

  it("posts racing a hold's timeout: each hold ends posted or expired, never both, stock adds up", async () => {
    const { book, budget, spent, hold } = await stocked(ledger(), 100n);
    const holds = Array.from({ length: 20 }, () => hold(1n, 1));
    await book.send(...holds);
    // One post per hold, spread over the last 100 ms before the timeout and the first 100 after.
    const first = await Promise.all(holds.map((h, i) => sleep(900 + 10 * i).then(() => book.send(post(h.id)))));
    await sleep(300);
    let posted = 0n;
    for (const [i, h] of holds.entries()) {
      const [outcome] = first[i]!;
      expect(["created", "pending_transfer_expired"]).toContain(outcome);
      // Afterwards the hold is settled one way for good.
      const again = await book.send(post(h.id), voidOf(h.id));
      expect(again).toEqual(
        outcome === "created"
          ? ["pending_transfer_already_posted", "pending_transfer_already_posted"]
          : ["pending_transfer_expired", "pending_transfer_expired"],
      );
      if (outcome === "created") posted += 1n;
    }
    console.log(`timeout race: ${posted} of ${holds.length} holds posted before their timeout, the rest expired`);
    expect(await book.balances(budget)).toEqual({ dp: 0n, dpo: posted, cp: 0n, cpo: 100n });
    expect(await book.balances(spent)).toMatchObject({ cpo: posted, cp: 0n });
  });
}
