// Goal: coalesce() turns concurrent single-item calls into one backend call, gives each caller its
// own answer, and keeps one bad item (or an unavailable backend) from answering for the others.
import { describe, expect, it } from "vitest";
import { coalesce, type CoalesceOptions } from "./coalesce.js";

class Down extends Error {}
const options: CoalesceOptions = {
  deadlineMs: 1_000,
  isUnavailable: (e) => e instanceof Down,
  unavailable: (m) => new Down(m),
};

describe("coalesce", () => {
  it("sends concurrent callers as one call and answers each with its own result", async () => {
    const calls: number[][] = [];
    const double = coalesce(async (items: number[]) => {
      calls.push(items);
      return items.map((i) => i * 2);
    }, options);
    expect(await Promise.all([1, 2, 3, 4].map(double))).toEqual([2, 4, 6, 8]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
  });

  it("re-sends a failed call item by item: only the bad item's caller gets the error", async () => {
    const calls: number[][] = [];
    const f = coalesce(async (items: number[]) => {
      calls.push(items);
      if (items.includes(13)) throw new Error("bad row 13");
      return items;
    }, options);
    const results = await Promise.allSettled([1, 13, 3].map(f));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("bad row 13");
    expect(calls).toEqual([[1, 13, 3], [1], [13], [3]]);
  });

  it("does not retry when the backend is down: every caller gets that error", async () => {
    let calls = 0;
    const f = coalesce(async (_items: number[]): Promise<number[]> => {
      calls++;
      throw new Down("connection refused");
    }, options);
    const results = await Promise.allSettled([1, 2, 3].map(f));
    expect(results.every((r) => r.status === "rejected" && r.reason instanceof Down)).toBe(true);
    expect(calls).toBe(1);
  });

  it("answers every caller within the deadline with the unavailable error", async () => {
    const f = coalesce((_items: number[]) => new Promise<number[]>(() => {}), { ...options, deadlineMs: 30 });
    await expect(f(1)).rejects.toBeInstanceOf(Down);
  });

  it("counts each backend call's size", async () => {
    const sizes: number[] = [];
    const f = coalesce(async (items: number[]) => items, {
      ...options,
      maxItems: 3,
      maxInFlight: 1,
      onBatch: (n) => sizes.push(n),
    });
    await Promise.all([1, 2, 3, 4, 5].map(f));
    expect(sizes).toEqual([3, 2]);
  });
});
