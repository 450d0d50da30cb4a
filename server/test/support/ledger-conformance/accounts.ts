// Conformance, part 1: create_accounts and lookup_accounts — every account result code the
// backends must agree on, linked account chains, and lookups in request order.
import { expect, it } from "vitest";
import type { Ledger } from "@stampede/shared/ledger/port";
import { AccountFlags, u128Max } from "@stampede/shared/ledger/types";
import { Book, accountNames, newId } from "./harness.js";

export function accountCases(ledger: () => Ledger): void {
  it("creates accounts; an identical retry is `exists` with the first timestamp", async () => {
    const book = new Book(ledger());
    const a = book.account({ user_data_128: 7n, user_data_64: 8n, user_data_32: 9 });
    const [first] = await ledger().createAccounts([a]);
    const [again] = await ledger().createAccounts([a]);
    expect(accountNames([first!, again!])).toEqual(["created", "exists"]);
    expect(again!.timestamp).toBe(first!.timestamp);
    const [found] = await ledger().lookupAccounts([a.id]);
    expect(found).toMatchObject({
      id: a.id,
      user_data_128: 7n,
      user_data_64: 8n,
      user_data_32: 9,
      ledger: book.ledgerNumber,
      code: 1,
      timestamp: first!.timestamp,
    });
  });

  it("answers exists_with_different_* for a changed body, field by field in TigerBeetle's order", async () => {
    const book = new Book(ledger());
    const a = book.account();
    await ledger().createAccounts([a]);
    const changed = [
      { ...a, flags: AccountFlags.debits_must_not_exceed_credits, user_data_128: 1n },
      { ...a, user_data_128: 1n, user_data_64: 1n },
      { ...a, user_data_64: 1n, user_data_32: 1 },
      { ...a, user_data_32: 1, ledger: a.ledger + 1 },
      { ...a, ledger: a.ledger + 1, code: 2 },
      { ...a, code: 2 },
    ];
    expect(accountNames(await ledger().createAccounts(changed))).toEqual([
      "exists_with_different_flags",
      "exists_with_different_user_data_128",
      "exists_with_different_user_data_64",
      "exists_with_different_user_data_32",
      "exists_with_different_ledger",
      "exists_with_different_code",
    ]);
  });

  it("rejects invalid accounts with TigerBeetle's codes", async () => {
    const book = new Book(ledger());
    const bad = [
      book.account({ timestamp: 1n }),
      book.account({ reserved: 1 }),
      book.account({ flags: 1 << 12 }),
      book.account({ id: 0n }),
      book.account({ id: u128Max }),
      book.account({
        flags: AccountFlags.debits_must_not_exceed_credits | AccountFlags.credits_must_not_exceed_debits,
      }),
      book.account({ debits_pending: 1n }),
      book.account({ debits_posted: 1n }),
      book.account({ credits_pending: 1n }),
      book.account({ credits_posted: 1n }),
      book.account({ ledger: 0 }),
      book.account({ code: 0 }),
    ];
    expect(accountNames(await ledger().createAccounts(bad))).toEqual([
      "timestamp_must_be_zero",
      "reserved_field",
      "reserved_flag",
      "id_must_not_be_zero",
      "id_must_not_be_int_max",
      "flags_are_mutually_exclusive",
      "debits_pending_must_be_zero",
      "debits_posted_must_be_zero",
      "credits_pending_must_be_zero",
      "credits_posted_must_be_zero",
      "ledger_must_not_be_zero",
      "code_must_not_be_zero",
    ]);
    expect(await ledger().lookupAccounts(bad.map((a) => a.id))).toEqual([]);
  });

  it("a linked account chain is all or nothing, and a chain left open fails", async () => {
    const book = new Book(ledger());
    const [a, b, c, d, e] = [book.account(), book.account(), book.account(), book.account(), book.account()];
    const linked = AccountFlags.linked;
    const results = await ledger().createAccounts([
      { ...a!, flags: linked },
      { ...b!, flags: linked },
      { ...c!, code: 0 }, // breaks the chain
      d!, // independent: created
      { ...e!, flags: linked }, // open at the end of the batch
    ]);
    expect(accountNames(results)).toEqual([
      "linked_event_failed",
      "linked_event_failed",
      "code_must_not_be_zero",
      "created",
      "linked_event_chain_open",
    ]);
    expect((await ledger().lookupAccounts([a!.id, b!.id, c!.id, d!.id, e!.id])).map((x) => x.id)).toEqual([d!.id]);
  });

  it("sees an account created earlier in the same batch (duplicate id → exists)", async () => {
    const book = new Book(ledger());
    const a = book.account();
    expect(accountNames(await ledger().createAccounts([a, a, { ...a, code: 3 }]))).toEqual([
      "created",
      "exists",
      "exists_with_different_code",
    ]);
  });

  it("looks up in request order and leaves out missing ids", async () => {
    const book = new Book(ledger());
    const [x, y] = await book.open({}, {});
    const found = await ledger().lookupAccounts([y!, newId(), x!, y!]);
    expect(found.map((a) => a.id)).toEqual([y, x, y]);
  });
}
