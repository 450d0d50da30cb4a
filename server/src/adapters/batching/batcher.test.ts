// Goal: the auto-batcher coalesces concurrent callers without changing what any of them gets
// back — whole slices in order, chains never split, an open chain never merged with the next
// caller — and it keeps its bounds (events per call, calls in flight, every caller's deadline).
import { describe, expect, it } from "vitest";
import { LedgerUnavailableError } from "@stampede/shared/ledger/port";
import { Batcher, linkedChainOpen, type BatcherOptions } from "./batcher.js";

interface Ev {
  id: number;
  flags: number;
}

const options: BatcherOptions = {
  maxEvents: 10,
  maxWaitMs: 0,
  maxInFlight: 1,
  deadlineMs: 1_000,
  closesCall: linkedChainOpen,
};

/** A fake backend that records each call and answers each event with its own id. */
function recorder(delayMs = 5) {
  const calls: number[][] = [];
  const send = async (events: Ev[]) => {
    calls.push(events.map((e) => e.id));
    await new Promise((r) => setTimeout(r, delayMs));
    return events.map((e) => e.id);
  };
  return { calls, send };
}

const evs = (...ids: number[]): Ev[] => ids.map((id) => ({ id, flags: 0 }));

describe("Batcher", () => {
  it("coalesces concurrent callers into one call and gives each its own slice", async () => {
    const { calls, send } = recorder();
    const b = new Batcher<Ev, number>(send, options);
    const results = await Promise.all([b.submit(evs(1, 2)), b.submit(evs(3)), b.submit(evs(4, 5, 6))]);
    expect(results).toEqual([[1, 2], [3], [4, 5, 6]]);
    expect(calls).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it("never splits a caller; a call carries at most maxEvents unless one caller alone is bigger", async () => {
    const { calls, send } = recorder();
    const b = new Batcher<Ev, number>(send, { ...options, maxEvents: 4 });
    const results = await Promise.all([
      b.submit(evs(1, 2, 3)),
      b.submit(evs(4, 5)),
      b.submit(evs(6, 7, 8, 9, 10, 11)),
      b.submit(evs(12)),
    ]);
    expect(results.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(calls).toEqual([[1, 2, 3], [4, 5], [6, 7, 8, 9, 10, 11], [12]]);
  });

  it("puts a caller whose chain is still open last in its call, so it cannot join the next caller", async () => {
    const { calls, send } = recorder();
    const b = new Batcher<Ev, number>(send, options);
    await Promise.all([
      b.submit(evs(1)),
      b.submit([
        { id: 2, flags: 1 },
        { id: 3, flags: 1 },
      ]),
      b.submit(evs(4)),
      b.submit(evs(5)),
    ]);
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it("keeps at most maxInFlight calls running; callers arriving meanwhile form the next call", async () => {
    let running = 0;
    let peak = 0;
    const calls: number[] = [];
    const b = new Batcher<Ev, number>(
      async (events) => {
        running += 1;
        peak = Math.max(peak, running);
        calls.push(events.length);
        await new Promise((r) => setTimeout(r, 10));
        running -= 1;
        return events.map((e) => e.id);
      },
      { ...options, maxInFlight: 2, maxEvents: 1_000 },
    );
    const all = [];
    for (let i = 0; i < 300; i++) {
      all.push(b.submit(evs(i)));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect((await Promise.all(all)).flat()).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(peak).toBeLessThanOrEqual(2);
    expect(calls.length).toBeLessThan(30);
  });

  it("fails every caller of a failed call, and only those", async () => {
    let n = 0;
    const b = new Batcher<Ev, number>(async (events) => {
      n += 1;
      if (n === 1) throw new LedgerUnavailableError("down");
      return events.map((e) => e.id);
    }, options);
    const first = Promise.allSettled([b.submit(evs(1)), b.submit(evs(2))]);
    const outcomes = await first;
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(await b.submit(evs(3))).toEqual([3]);
  });

  it("answers every caller by its deadline; a caller still queued then is never sent", async () => {
    const calls: number[][] = [];
    let sent = () => {};
    const inFlight = new Promise<void>((resolve) => (sent = resolve));
    let answer = () => {};
    const backendAnswers = new Promise<void>((resolve) => (answer = resolve));
    const b = new Batcher<Ev, number>(
      async (events) => {
        calls.push(events.map((e) => e.id));
        sent();
        await backendAnswers; // a backend stuck until the test lets it go
        return events.map((e) => e.id);
      },
      { ...options, deadlineMs: 100 },
    );
    const slow = b.submit(evs(1));
    await inFlight;
    const queued = b.submit(evs(2)); // waits behind the call in flight, past its deadline
    await expect(slow).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(queued).rejects.toBeInstanceOf(LedgerUnavailableError);
    // The backend answers at last; the next caller's call is sent after anything still queued
    // (callers go in arrival order), so if 2 were still queued it would be sent by then.
    answer();
    expect(await b.submit(evs(3))).toEqual([3]);
    expect(calls).toEqual([[1], [3]]);
  });
});
