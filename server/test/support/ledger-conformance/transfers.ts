// Conformance, part 2: single-phase transfers — validation codes, balance limits, and
// idempotency: `exists` for a retry, exists_with_different_* for a changed body, and
// id_already_failed for an id that failed transiently (but not for a request error).
import { expect, it } from "vitest";
import type { Ledger } from "@stampede/shared/ledger/port";
import { AccountFlags, TransferFlags, u128Max } from "@stampede/shared/ledger/types";
import { Book, newId } from "./harness.js";

export function transferCases(ledger: () => Ledger): void {
  it("rejects invalid transfers with TigerBeetle's codes, in its order of precedence", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const [other] = await new Book(ledger()).open({});
    const t = (fields: Parameters<Book["transfer"]>[3]) => book.transfer(a!, b!, 1n, fields);
    expect(
      await book.send(
        t({ timestamp: 5n }),
        t({ flags: 1 << 12 }),
        t({ id: 0n }),
        t({ id: u128Max }),
        t({ debit_account_id: 0n }),
        t({ debit_account_id: u128Max }),
        t({ credit_account_id: 0n }),
        t({ credit_account_id: u128Max }),
        t({ credit_account_id: a! }),
        t({ pending_id: 5n }),
        t({ timeout: 5 }),
        t({ ledger: 0 }),
        t({ code: 0 }),
        t({ debit_account_id: newId() }),
        t({ credit_account_id: newId() }),
        t({ credit_account_id: other! }),
        t({ ledger: book.ledgerNumber + 1 }),
      ),
    ).toEqual([
      "timestamp_must_be_zero",
      "reserved_flag",
      "id_must_not_be_zero",
      "id_must_not_be_int_max",
      "debit_account_id_must_not_be_zero",
      "debit_account_id_must_not_be_int_max",
      "credit_account_id_must_not_be_zero",
      "credit_account_id_must_not_be_int_max",
      "accounts_must_be_different",
      "pending_id_must_be_zero",
      "timeout_reserved_for_pending_transfer",
      "ledger_must_not_be_zero",
      "code_must_not_be_zero",
      "debit_account_not_found",
      "credit_account_not_found",
      "accounts_must_have_the_same_ledger",
      "transfer_must_have_the_same_ledger_as_accounts",
    ]);
  });

  it("moves posted amounts and enforces debits_must_not_exceed_credits / credits_must_not_exceed_debits", async () => {
    const book = new Book(ledger());
    const [source, sink] = await book.open({}, {});
    const limited = await book.limited(source!, 5n);
    const [capped] = await book.open({ flags: AccountFlags.credits_must_not_exceed_debits });
    expect(
      await book.send(
        book.transfer(limited, sink!, 3n),
        book.transfer(limited, sink!, 3n),
        book.transfer(limited, sink!, 2n),
      ),
    ).toEqual(["created", "exceeds_credits", "created"]);
    expect(await book.balances(limited)).toEqual({ dp: 0n, dpo: 5n, cp: 0n, cpo: 5n });
    expect(await book.send(book.transfer(source!, capped!, 1n))).toEqual(["exceeds_debits"]);
    expect(
      await book.send(
        book.transfer(capped!, sink!, 4n),
        book.transfer(source!, capped!, 4n),
        book.transfer(source!, capped!, 1n),
      ),
    ).toEqual(["created", "created", "exceeds_debits"]);
  });

  it("a retry with the same id and body is `exists` (first timestamp), and moves nothing again", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const t = book.transfer(a!, b!, 4n, { user_data_128: 1n, user_data_64: 2n, user_data_32: 3 });
    const [first] = await ledger().createTransfers([t]);
    const [again] = await ledger().createTransfers([t]);
    expect(again).toEqual({ status: 46, timestamp: first!.timestamp });
    expect(await book.balances(b!)).toMatchObject({ cpo: 4n });
    const [stored] = await ledger().lookupTransfers([t.id]);
    expect(stored).toEqual({ ...t, timestamp: first!.timestamp });
  });

  it("a changed body is exists_with_different_*, field by field in TigerBeetle's order", async () => {
    const book = new Book(ledger());
    const [a, b, c] = await book.open({}, {}, {});
    const t = book.transfer(a!, b!, 4n);
    await book.send(t);
    expect(
      await book.send(
        { ...t, flags: TransferFlags.pending, timeout: 9 },
        { ...t, debit_account_id: c!, amount: 5n },
        { ...t, credit_account_id: c!, amount: 5n },
        { ...t, amount: 5n, user_data_128: 1n },
        { ...t, user_data_128: 1n, user_data_64: 1n },
        { ...t, user_data_64: 1n, user_data_32: 1 },
        { ...t, user_data_32: 1, code: 2 },
        { ...t, ledger: t.ledger + 1, code: 2 },
        { ...t, code: 2 },
      ),
    ).toEqual([
      "exists_with_different_flags",
      "exists_with_different_debit_account_id",
      "exists_with_different_credit_account_id",
      "exists_with_different_amount",
      "exists_with_different_user_data_128",
      "exists_with_different_user_data_64",
      "exists_with_different_user_data_32",
      "exists_with_different_ledger",
      "exists_with_different_code",
    ]);
    const p = book.transfer(a!, b!, 1n, { flags: TransferFlags.pending, timeout: 60 });
    await book.send(p);
    expect(await book.send({ ...p, timeout: 61 })).toEqual(["exists_with_different_timeout"]);
    // (Sent alone and last, a linked event would fail with linked_event_chain_open first.)
    expect(
      await book.send({ ...p, flags: TransferFlags.pending | TransferFlags.linked }, book.transfer(a!, b!, 1n)),
    ).toEqual(["exists_with_different_flags", "linked_event_failed"]);
  });

  it("an id that failed transiently answers id_already_failed forever, even once it could succeed", async () => {
    const book = new Book(ledger());
    const [source, sink] = await book.open({}, {});
    const limited = await book.limited(source!, 1n);
    const t = book.transfer(limited, sink!, 2n);
    const missing = book.transfer(newId(), sink!, 1n);
    expect(await book.send(t, missing)).toEqual(["exceeds_credits", "debit_account_not_found"]);
    expect(await book.send(book.transfer(source!, limited, 5n), t, { ...t, amount: 1n })).toEqual([
      "created",
      "id_already_failed",
      "id_already_failed",
    ]);
    expect(await book.send(missing)).toEqual(["id_already_failed"]);
    expect(await book.balances(limited)).toMatchObject({ dpo: 0n });
  });

  it("an id whose request was invalid is not burnt: a valid request with it succeeds", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const t = book.transfer(a!, b!, 1n);
    expect(await book.send({ ...t, code: 0 }, { ...t, credit_account_id: a! }, t)).toEqual([
      "code_must_not_be_zero",
      "accounts_must_be_different",
      "created",
    ]);
  });

  it("refuses to overflow a u128 balance, with the code for the first sum that would", async () => {
    const book = new Book(ledger());
    const [a, b, c, d, e] = await book.open({}, {}, {}, {}, {});
    const pending = { flags: TransferFlags.pending, timeout: 60 };
    expect(
      await book.send(
        book.transfer(a!, b!, u128Max),
        book.transfer(a!, c!, 1n),
        book.transfer(d!, b!, 1n),
        book.transfer(c!, d!, u128Max, pending),
        book.transfer(c!, a!, 1n, pending),
        book.transfer(e!, d!, 1n, pending),
        book.transfer(c!, e!, 1n),
        book.transfer(e!, d!, 1n),
      ),
    ).toEqual([
      "created",
      "overflows_debits_posted",
      "overflows_credits_posted",
      "created",
      "overflows_debits_pending",
      "overflows_credits_pending",
      "overflows_debits",
      "overflows_credits",
    ]);
  });

  it("counts balances transfer by transfer: small amounts that add up past u128 in one batch overflow", async () => {
    const book = new Book(ledger());
    const [a, b, c, d] = await book.open({}, {}, {}, {});
    const big = 2n ** 126n - 1n; // each below the size that alone could overflow
    const pending = { flags: TransferFlags.pending, timeout: 60 };
    const five = (debit: bigint, credit: bigint, fields = {}) =>
      Array.from({ length: 5 }, () => book.transfer(debit, credit, big, fields));
    const fourCreatedThen = (status: string) => [...Array<string>(4).fill("created"), status];
    expect(await book.send(...five(a!, b!))).toEqual(fourCreatedThen("overflows_debits_posted"));
    expect(await book.balances(a!)).toMatchObject({ dpo: 4n * big });
    expect(await book.send(...five(c!, d!, pending))).toEqual(fourCreatedThen("overflows_debits_pending"));
  });

  it("posted transfers of amount 0 are allowed (TigerBeetle 0.17 has no amount_must_not_be_zero)", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    expect(await book.send(book.transfer(a!, b!, 0n))).toEqual(["created"]);
  });

  it("looks up transfers in request order, leaving out missing and failed ids", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const limited = await book.limited(a!, 1n);
    const [t1, t2, failed] = [book.transfer(a!, b!, 1n), book.transfer(b!, a!, 1n), book.transfer(limited, b!, 9n)];
    await book.send(t1, t2, failed);
    expect((await ledger().lookupTransfers([t2.id, newId(), failed.id, t1.id])).map((t) => t.id)).toEqual([
      t2.id,
      t1.id,
    ]);
  });
}
