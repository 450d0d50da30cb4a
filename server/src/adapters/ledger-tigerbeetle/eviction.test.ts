// Goal: the TigerBeetle adapter survives what a real 0.17.9 cluster does to its clients, without a
// server (none can run here): on the stand-in cluster (test/support/tigerbeetle-standin.ts), whose
// clients fail with tigerbeetle-node's own RequestError codes —
//   - one client per process and cluster, however many ledgers are opened on it;
//   - an evicted client makes its call fail LedgerUnavailableError, and the retry with the same ids
//     succeeds on one new client, however many calls failed on the old one at once;
//   - an evicted client is never destroyed (the real one aborts Node); a healthy one is, once;
//   - a ledger used after close() fails loudly, not "unavailable, retry";
//   - results have exactly the port's fields (the stand-in, like the real client, adds more);
//   - other failures (ERR_TOO_MUCH_DATA, anything unknown) reach the caller unchanged.
import { describe, expect, it, vi } from "vitest";
import * as tb from "tigerbeetle-node";
import { AssertionError } from "@stampede/shared/assert";
import { LedgerUnavailableError, type Ledger } from "@stampede/shared/ledger/port";
import { account, transfer, TransferFlags } from "@stampede/shared/ledger/types";
import { createTigerBeetleStandIn, type TigerBeetleStandIn } from "../../../test/support/tigerbeetle-standin.js";
import { createTigerBeetleLedger, type TigerBeetleLedgerOptions } from "./ledger.js";

const address = "127.0.0.1:3000";
let nextId = 1_000n;
const id = () => (nextId += 1n);

function open(standIn: TigerBeetleStandIn, more: Partial<TigerBeetleLedgerOptions> = {}) {
  const logs: string[] = [];
  const ledger = createTigerBeetleLedger({
    address,
    clusterId: 0n,
    createClient: standIn.createClient,
    log: (message) => logs.push(message),
    ...more,
  });
  return { ledger, logs };
}

const newAccount = () => account({ id: id(), ledger: 1, code: 1 });

async function rejection(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => expect.fail("the call should have failed"),
    (err: unknown) => err,
  );
}

function expectUnavailableBecause(err: unknown, code: tb.ErrorCodes): void {
  expect(err).toBeInstanceOf(LedgerUnavailableError);
  const cause = (err as Error).cause;
  expect(cause).toBeInstanceOf(tb.RequestError);
  expect((cause as tb.RequestError).code).toBe(code);
}

describe("one client per process and cluster", () => {
  it("shares one client between every ledger on a cluster, and says so once", async () => {
    const standIn = createTigerBeetleStandIn();
    const a = open(standIn);
    const b = open(standIn);
    const other = open(standIn, { clusterId: 7n });
    await a.ledger.createAccounts([newAccount()]);
    await b.ledger.createAccounts([newAccount()]);
    expect(standIn.clients).toHaveLength(2); // cluster 0 and cluster 7
    expect(standIn.clients[0]!.requests).toBe(2);
    expect(a.logs.join("\n")).toMatch(/one client session \(a cluster admits 64/);
    expect(b.logs).toEqual([]);
    for (const l of [a, b, other]) await l.ledger.close();
  });
});

describe("eviction", () => {
  it("fails the call that meets it as unavailable; the retry with the same ids succeeds on a new client", async () => {
    const standIn = createTigerBeetleStandIn();
    const { ledger, logs } = open(standIn);
    const [before, after] = [newAccount(), newAccount()];
    expect((await ledger.createAccounts([before]))[0]?.status).toBe(tb.CreateAccountStatus.created);
    standIn.evict(standIn.clients[0]);

    expectUnavailableBecause(await rejection(ledger.createAccounts([after])), tb.ErrorCodes.ERR_CLIENT_EVICTED);
    expect(standIn.clients).toHaveLength(2);
    expect(logs.at(-1)).toMatch(/evicted by the cluster; replaced by a new session/);

    expect((await ledger.createAccounts([after]))[0]?.status).toBe(tb.CreateAccountStatus.created);
    expect((await ledger.lookupAccounts([before.id, after.id])).map((a) => a.id)).toEqual([before.id, after.id]);
    expect(standIn.clients[1]!.requests).toBe(2);
    await ledger.close();
  });

  it("recovers when other processes' sessions push this one out (more than 64 on the cluster)", async () => {
    const standIn = createTigerBeetleStandIn({ sessionsMax: 3 });
    const { ledger } = open(standIn);
    await ledger.lookupAccounts([1n]);
    // Three more processes register: ours is the idlest session, so the cluster evicts it.
    for (let i = 0; i < 3; i++)
      await standIn.createClient({ cluster_id: 0n, replica_addresses: [address] }).lookupAccounts([1n]);
    expect(standIn.clients[0]!.state).toBe("evicted");
    expectUnavailableBecause(await rejection(ledger.lookupAccounts([1n])), tb.ErrorCodes.ERR_CLIENT_EVICTED);
    expect(await ledger.lookupAccounts([1n])).toEqual([]);
    expect(standIn.clients.at(-1)!.requests).toBe(1);
    await ledger.close();
  });

  it("makes one new client when many calls fail on the same evicted client at once", async () => {
    const standIn = createTigerBeetleStandIn();
    const a = open(standIn);
    const b = open(standIn); // another ledger of the same process: same client
    const resume = standIn.pause();
    const calls = [
      ...Array.from({ length: 5 }, () => rejection(a.ledger.createAccounts([newAccount()]))),
      ...Array.from({ length: 5 }, () => rejection(b.ledger.lookupTransfers([1n]))),
    ];
    expect(standIn.inFlight).toBe(10);
    standIn.evict(standIn.clients[0]);
    for (const err of await Promise.all(calls)) expectUnavailableBecause(err, tb.ErrorCodes.ERR_CLIENT_EVICTED);
    expect(standIn.clients).toHaveLength(2);
    resume();

    // Calls already made on the evicted client, answered after the replacement, make no more.
    standIn.evict(standIn.clients[1]);
    const late = await Promise.all(Array.from({ length: 4 }, () => rejection(a.ledger.lookupAccounts([1n]))));
    for (const err of late) expectUnavailableBecause(err, tb.ErrorCodes.ERR_CLIENT_EVICTED);
    expect(standIn.clients).toHaveLength(3);
    expect(await b.ledger.lookupAccounts([1n])).toEqual([]);
    await a.ledger.close();
    await b.ledger.close();
  });

  it("replaces a client evicted under a call its deadline already gave up on", async () => {
    const standIn = createTigerBeetleStandIn();
    const { ledger } = open(standIn, { callTimeoutMs: 30 });
    standIn.pause();
    const err = await rejection(ledger.lookupAccounts([1n]));
    expect(err).toBeInstanceOf(LedgerUnavailableError);
    expect((err as Error).message).toMatch(/no answer within 30 ms/);
    standIn.evict(standIn.clients[0]); // the abandoned call now fails on the evicted client
    await vi.waitFor(() => expect(standIn.clients).toHaveLength(2));
    await ledger.close();
  });

  it("keeps the evicted client when a new one cannot be made, and tries again on the next call", async () => {
    const standIn = createTigerBeetleStandIn();
    let refuse = false;
    const { ledger, logs } = open(standIn, {
      createClient: (args) => {
        if (refuse) throw new Error("Failed to reserve system resources.");
        return standIn.createClient(args);
      },
    });
    standIn.evict(standIn.clients[0]);
    refuse = true;
    expectUnavailableBecause(await rejection(ledger.lookupAccounts([1n])), tb.ErrorCodes.ERR_CLIENT_EVICTED);
    expect(logs.at(-1)).toMatch(/could not be made: Error: Failed to reserve system resources/);
    refuse = false;
    expectUnavailableBecause(await rejection(ledger.lookupAccounts([1n])), tb.ErrorCodes.ERR_CLIENT_EVICTED);
    expect(await ledger.lookupAccounts([1n])).toEqual([]);
    expect(standIn.clients).toHaveLength(2);
    await ledger.close();
    expect(standIn.clients[0]!.destroyCalls).toBe(0);
  });

  it("treats a client closed under a ledger still in use like an evicted one", async () => {
    const standIn = createTigerBeetleStandIn();
    const { ledger } = open(standIn);
    standIn.clients[0]!.destroy(); // not by the adapter
    expectUnavailableBecause(await rejection(ledger.lookupAccounts([1n])), tb.ErrorCodes.ERR_CLIENT_CLOSED);
    expect(await ledger.lookupAccounts([1n])).toEqual([]);
    await ledger.close();
    expect(standIn.clients.map((c) => c.destroyCalls)).toEqual([1, 1]);
  });
});

describe("destroy and close", () => {
  it("never destroys an evicted client; destroys its healthy replacement once, when the last ledger closes", async () => {
    const standIn = createTigerBeetleStandIn();
    const a = open(standIn);
    const b = open(standIn);
    standIn.evict(standIn.clients[0]);
    await rejection(a.ledger.lookupAccounts([1n]));
    await a.ledger.close();
    await a.ledger.close();
    expect(standIn.clients.map((c) => c.destroyCalls)).toEqual([0, 0]); // b still uses the new one
    await b.ledger.close();
    expect(standIn.clients.map((c) => c.destroyCalls)).toEqual([0, 1]);
    expect(standIn.clients[0]!.destroyCallsWhileEvicted).toBe(0);
  });

  it("never destroys any of several evicted clients", async () => {
    const standIn = createTigerBeetleStandIn();
    const { ledger } = open(standIn);
    standIn.evict(standIn.clients[0]);
    await rejection(ledger.lookupAccounts([1n]));
    standIn.evict(standIn.clients[1]);
    await rejection(ledger.lookupAccounts([1n]));
    await ledger.close();
    expect(standIn.clients.map((c) => c.destroyCalls)).toEqual([0, 0, 1]);
  });

  it("closes a healthy client exactly once, however often close() is called", async () => {
    const standIn = createTigerBeetleStandIn();
    const { ledger } = open(standIn);
    await ledger.lookupAccounts([1n]);
    await ledger.close();
    await ledger.close();
    expect(standIn.clients).toHaveLength(1);
    expect(standIn.clients[0]!.destroyCalls).toBe(1);
  });

  it("fails every call after close() loudly (a programmer error), and makes no new client", async () => {
    const standIn = createTigerBeetleStandIn();
    const { ledger } = open(standIn);
    await ledger.close();
    for (const call of [
      ledger.createAccounts([newAccount()]),
      ledger.createTransfers([transfer({ id: id() })]),
      ledger.lookupAccounts([1n]),
      ledger.lookupTransfers([1n]),
    ]) {
      const err = await rejection(call);
      expect(err).toBeInstanceOf(AssertionError);
      expect(err).not.toBeInstanceOf(LedgerUnavailableError);
      expect((err as Error).message).toMatch(/called after close\(\)/);
    }
    expect(standIn.clients).toHaveLength(1);
  });

  it("answers a call in flight when the last ledger closes as unavailable, and replaces nothing", async () => {
    const standIn = createTigerBeetleStandIn();
    const { ledger } = open(standIn);
    standIn.pause();
    const call = rejection(ledger.lookupAccounts([1n]));
    await ledger.close();
    expectUnavailableBecause(await call, tb.ErrorCodes.ERR_CLIENT_CLOSED);
    expect(standIn.clients).toHaveLength(1);
  });
});

describe("other failures reach the caller unchanged", () => {
  it.each([
    ["ERR_TOO_MUCH_DATA", () => new tb.RequestError(tb.ErrorCodes.ERR_TOO_MUCH_DATA)],
    ["ERR_CLIENT_RELEASE_TOO_LOW", () => new tb.RequestError(tb.ErrorCodes.ERR_CLIENT_RELEASE_TOO_LOW)],
    ["an unknown error", () => new TypeError("something else")],
  ])("%s", async (_name, make) => {
    const standIn = createTigerBeetleStandIn();
    const { ledger } = open(standIn);
    const error = make();
    standIn.failNext(error);
    expect(await rejection(ledger.createTransfers([transfer({ id: id() })]))).toBe(error);
    expect(standIn.clients).toHaveLength(1);
    expect(await ledger.lookupTransfers([1n])).toEqual([]);
    await ledger.close();
  });
});

describe("results have exactly the port's fields", () => {
  const accountKeys = Object.keys(account({ id: 1n, ledger: 1, code: 1 })).sort();
  const transferKeys = Object.keys(transfer({ id: 1n })).sort();
  const resultKeys = ["status", "timestamp"];
  const keys = (objects: readonly object[]) => objects.map((o) => Object.keys(o).sort());

  async function everyCall(ledger: Ledger) {
    const [debit, credit] = [newAccount(), newAccount()];
    const t = transfer({
      id: id(),
      debit_account_id: debit.id,
      credit_account_id: credit.id,
      amount: 5n,
      ledger: 1,
      code: 1,
    });
    const pending = { ...t, id: id(), flags: TransferFlags.pending, timeout: 60 };
    return {
      createAccounts: await ledger.createAccounts([debit, credit]),
      createTransfers: await ledger.createTransfers([t, pending]),
      lookupAccounts: await ledger.lookupAccounts([debit.id, credit.id]),
      lookupTransfers: await ledger.lookupTransfers([t.id, pending.id]),
    };
  }

  it("drops what the client adds (its undeclared `reserved`, and any field a newer client may add)", async () => {
    const standIn = createTigerBeetleStandIn({ undeclaredFields: { surplus: 1n } });
    // Negative control: the client itself does answer with more than the port declares.
    const raw = standIn.createClient({ cluster_id: 0n, replica_addresses: [address] });
    const probe = newAccount();
    const [rawResult] = await raw.createAccounts([probe]);
    expect(Object.keys(rawResult!)).toEqual(expect.arrayContaining(["reserved", "surplus"]));
    const [rawAccount] = await raw.lookupAccounts([probe.id]);
    expect(Object.keys(rawAccount!)).toContain("surplus");

    const { ledger } = open(standIn);
    const results = await everyCall(ledger);
    expect(keys(results.createAccounts)).toEqual([resultKeys, resultKeys]);
    expect(keys(results.createTransfers)).toEqual([resultKeys, resultKeys]);
    expect(keys(results.lookupAccounts)).toEqual([accountKeys, accountKeys]);
    expect(keys(results.lookupTransfers)).toEqual([transferKeys, transferKeys]);
    expect(results.createTransfers.map((r) => r.status)).toEqual([
      tb.CreateTransferStatus.created,
      tb.CreateTransferStatus.created,
    ]);
    expect(results.lookupTransfers[1]).toMatchObject({ flags: TransferFlags.pending, timeout: 60, amount: 5n });
    await ledger.close();
  });
});
