// Goal: the gate runs at most `concurrency` calls, queues at most `queueMax` in arrival order, and
// refuses at once (OverloadedError) when the queue is full or its oldest call waited too long.
import { describe, expect, it } from "vitest";
import { admissionGate, OverloadedError } from "./admission-gate.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("admissionGate", () => {
  it("runs up to the concurrency, queues the rest in order, and refuses past the queue at once", async () => {
    let refused = 0;
    const gate = admissionGate({
      what: "holds",
      concurrency: 2,
      queueMax: 2,
      queueWaitMaxMs: 60_000,
      onRefused: () => refused++,
    });
    const blockers = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = blockers.map((b, i) => gate.run(async () => (started.push(i), await b.promise, i)));
    expect({ started, active: gate.active, queued: gate.queued }).toEqual({ started: [0, 1], active: 2, queued: 2 });
    const fifth = gate.run(async () => 5);
    await expect(fifth).rejects.toBeInstanceOf(OverloadedError);
    await expect(fifth).rejects.toMatchObject({ what: "holds", retryAfterSeconds: 1 });
    expect(refused).toBe(1);
    blockers[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const b of blockers) b.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect({ active: gate.active, queued: gate.queued }).toEqual({ active: 0, queued: 0 });
  });

  it("refuses while the oldest queued call has waited longer than the limit, and queues again once it moves", async () => {
    let clock = 0;
    const gate = admissionGate({
      what: "holds",
      concurrency: 1,
      queueMax: 100,
      queueWaitMaxMs: 1_000,
      now: () => clock,
    });
    const first = deferred();
    const running = gate.run(() => first.promise);
    const queued = gate.run(async () => "queued");
    clock = 1_000;
    const atLimit = gate.run(async () => "at the limit"); // waited exactly the limit: still queued (negative control)
    clock = 1_001;
    await expect(gate.run(async () => "late")).rejects.toBeInstanceOf(OverloadedError);
    first.resolve();
    await running;
    expect(await queued).toBe("queued");
    expect(await atLimit).toBe("at the limit");
    expect(await gate.run(async () => "fresh")).toBe("fresh");
  });

  it("yields to more urgent work: refuses new arrivals while told to, and says how long its oldest waited", async () => {
    let clock = 0;
    let urgent = false;
    const gate = admissionGate({
      what: "holds",
      concurrency: 1,
      queueMax: 10,
      queueWaitMaxMs: 60_000,
      yieldWhile: () => urgent,
      now: () => clock,
    });
    const first = deferred();
    const running = gate.run(() => first.promise);
    const queued = gate.run(async () => "queued");
    clock = 400;
    expect(gate.oldestWaitMs).toBe(400);
    urgent = true;
    await expect(gate.run(async () => "new")).rejects.toBeInstanceOf(OverloadedError);
    urgent = false; // control: the same call once nothing more urgent waits
    const later = gate.run(async () => "later");
    first.resolve();
    await running;
    expect([await queued, await later]).toEqual(["queued", "later"]);
    expect(gate.oldestWaitMs).toBe(0);
  });

  it("frees the slot when the work throws", async () => {
    const gate = admissionGate({ what: "holds", concurrency: 1, queueMax: 0, queueWaitMaxMs: 0 });
    await expect(gate.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await gate.run(async () => 1)).toBe(1);
  });
});
