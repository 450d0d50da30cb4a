// Goal: `recent` never waits on the ledger — it answers the last snapshot that arrived while it is
// young enough, otherwise null while a read starts for the next caller — and a snapshot the news
// of returned stock overtook is never served. A stub ledger whose answers the test releases.
import { describe, expect, it } from "vitest";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { Account } from "@stampede/shared/ledger/types";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import { StockCache } from "./stock-cache.js";

const event = {
  id: "e1",
  ledger: 7,
  classes: [{ id: "c1", code: "GA", capacity: 10 }],
  perks: [],
} as unknown as EventRecord;

function stubLedger() {
  const pending: Array<(accounts: Account[]) => void> = [];
  const ledger = {
    lookupAccounts: () => new Promise<Account[]>((resolve) => pending.push(resolve)),
  } as unknown as Ledger;
  return { ledger, pending, answerNext: () => pending.shift()?.([]) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("StockCache.recent", () => {
  it("never waits: null until a read has answered, then that snapshot while young, then null and a new read", async () => {
    const { ledger, pending, answerNext } = stubLedger();
    let now = 1_000;
    const cache = new StockCache(ledger, () => now);
    expect(cache.recent(event, 500)).toBeNull();
    expect(pending).toHaveLength(1); // a read started for the next caller
    expect(cache.recent(event, 500)).toBeNull(); // still unanswered: not waited for, not asked twice
    expect(pending).toHaveLength(1);
    answerNext();
    await settle();
    expect(cache.recent(event, 500)?.classes.map((c) => c.available)).toEqual([0]);
    now += 500;
    expect(cache.recent(event, 500)).toBeNull();
    expect(pending).toHaveLength(1);
  });

  it("drops a snapshot when stock comes back, and one a forget overtook while it was read", async () => {
    const { ledger, answerNext } = stubLedger();
    const cache = new StockCache(ledger, () => 0);
    void cache.get(event);
    answerNext();
    await settle();
    expect(cache.recent(event, 500)).not.toBeNull();
    cache.forget(event.id);
    expect(cache.recent(event, 500)).toBeNull(); // starts a read …
    cache.forget(event.id); // … that the news of returned stock overtakes
    answerNext();
    await settle();
    expect(cache.recent(event, 500)).toBeNull();
    // Control: `get` waits for the ledger's answer.
    let got = false;
    void cache.get(event).then(() => (got = true));
    await settle();
    expect(got).toBe(false);
    answerNext();
    await settle();
    expect(got).toBe(true);
  });
});
