// Conformance, part 4: linked chains of transfers (all or nothing, linked_event_failed for the
// rest of a broken chain, linked_event_chain_open), events that depend on earlier events of the
// same batch, and timestamps that only ever rise.
import { expect, it } from "vitest";
import type { Ledger } from "@stampede/shared/ledger/port";
import { TransferFlags as TF, amountMax, transfer } from "@stampede/shared/ledger/types";
import { Book, newId } from "./harness.js";

export function chainCases(ledger: () => Ledger): void {
  it("a linked chain applies whole or not at all; events around it are independent", async () => {
    const book = new Book(ledger());
    const [source, sink] = await book.open({}, {});
    const limited = await book.limited(source!, 5n);
    const L = TF.linked;
    const results = await book.send(
      book.transfer(limited, sink!, 1n), // alone: created
      book.transfer(limited, sink!, 2n, { flags: L }),
      book.transfer(limited, sink!, 2n, { flags: L | TF.pending, timeout: 60 }),
      book.transfer(limited, sink!, 9n, { flags: L }), // breaks the chain
      book.transfer(limited, sink!, 1n), // still in the chain (its tail)
      book.transfer(limited, sink!, 1n), // alone again: sees nothing of the failed chain
      book.transfer(limited, sink!, 1n, { flags: L }),
      book.transfer(limited, sink!, 1n),
    );
    expect(results).toEqual([
      "created",
      "linked_event_failed",
      "linked_event_failed",
      "exceeds_credits",
      "linked_event_failed",
      "created",
      "created",
      "created",
    ]);
    expect(await book.balances(limited)).toEqual({ dp: 0n, dpo: 4n, cp: 0n, cpo: 5n });
  });

  it("a chain left open at the end of the batch fails whole with linked_event_chain_open last", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const results = await book.send(
      book.transfer(a!, b!, 1n),
      book.transfer(a!, b!, 1n, { flags: TF.linked }),
      book.transfer(a!, b!, 1n, { flags: TF.linked }),
    );
    expect(results).toEqual(["created", "linked_event_failed", "linked_event_chain_open"]);
    expect(await book.balances(b!)).toMatchObject({ cpo: 1n });
  });

  it("retrying a whole chain: its first event says `exists`, which breaks the retry (nothing moves twice)", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const chain = [book.transfer(a!, b!, 1n, { flags: TF.linked }), book.transfer(a!, b!, 2n)];
    expect(await book.send(...chain)).toEqual(["created", "created"]);
    expect(await book.send(...chain)).toEqual(["exists", "linked_event_failed"]);
    expect(await book.balances(b!)).toMatchObject({ cpo: 3n });
  });

  it("sees earlier events of the same batch: a duplicate id, a pending posted in the batch that made it", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const t = book.transfer(a!, b!, 1n);
    const p = book.transfer(a!, b!, 5n, { flags: TF.pending, timeout: 60 });
    const ps = transfer({ id: newId(), pending_id: p.id, amount: 2n, flags: TF.post_pending_transfer });
    expect(await book.send(t, t, p, ps, ps)).toEqual(["created", "exists", "created", "created", "exists"]);
    expect(await book.balances(a!)).toEqual({ dp: 0n, dpo: 3n, cp: 0n, cpo: 0n });
  });

  it("a rolled-back chain takes back what later events of the chain saw", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const limited = await book.limited(a!, 3n);
    const p = book.transfer(limited, b!, 3n, { flags: TF.pending | TF.linked, timeout: 60 });
    const ps = transfer({
      id: newId(),
      pending_id: p.id,
      amount: amountMax,
      flags: TF.post_pending_transfer | TF.linked,
    });
    const breaker = book.transfer(limited, b!, 1n); // closes the chain and fails: the hold is gone again
    const later = transfer({ id: newId(), pending_id: p.id, amount: amountMax, flags: TF.post_pending_transfer });
    const again = { ...p, flags: TF.pending }; // the rolled-back id is free again (linked_event_failed burns nothing)
    expect(await book.send(p, ps, breaker, later, again)).toEqual([
      "linked_event_failed",
      "linked_event_failed",
      "exceeds_credits",
      "pending_transfer_not_found",
      "created",
    ]);
    expect(await book.balances(limited)).toEqual({ dp: 3n, dpo: 0n, cp: 0n, cpo: 3n });
  });

  it("timestamps rise strictly within and across batches", async () => {
    const book = new Book(ledger());
    const [a, b] = await book.open({}, {});
    const first = await ledger().createTransfers([book.transfer(a!, b!, 1n), book.transfer(a!, b!, 1n)]);
    const second = await ledger().createTransfers([book.transfer(a!, b!, 1n)]);
    const ts = [...first, ...second].map((r) => r.timestamp);
    expect(ts).toEqual([...ts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(new Set(ts).size).toBe(3);
  });
}
