// Goal: withDeadline gives the work's own outcome when it settles in time and the deadline's error
// when it does not (never earlier); its timer is gone once the work settles, never keeps the
// process alive, and a rejection that comes after the deadline is dropped, not "unhandled".
import { afterEach, describe, expect, it, vi } from "vitest";
import { DeadlineError, withDeadline } from "./deadline.js";

class CustomError extends Error {}

/** A promise settled by hand. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** The timers keeping the process alive (unref'd ones are not listed). */
const keepingAlive = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("withDeadline", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("gives the work's value, and its timer is gone", async () => {
    vi.useFakeTimers();
    const work = pending<number>();
    const guarded = withDeadline(work.promise, 1_000, "work");
    expect(vi.getTimerCount()).toBe(1);
    work.resolve(7);
    await expect(guarded).resolves.toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives the work's own error, and its timer is gone", async () => {
    vi.useFakeTimers();
    const work = pending<number>();
    const guarded = withDeadline(work.promise, 1_000, "work");
    const failure = new Error("refused");
    work.reject(failure);
    await expect(guarded).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects with a DeadlineError at the deadline, not before", async () => {
    vi.useFakeTimers();
    const work = pending<number>();
    let outcome: unknown = "pending";
    withDeadline(work.promise, 1_000, "redis").catch((err: unknown) => (outcome = err));
    await vi.advanceTimersByTimeAsync(999);
    expect(outcome).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(DeadlineError);
    expect((outcome as Error).message).toBe("redis: no answer within 1000 ms");
  });

  it("rejects with the caller's error class when it names one", async () => {
    vi.useFakeTimers();
    const guarded = withDeadline(
      new Promise<never>(() => {}),
      50,
      "ledger lookup",
      (message) => new CustomError(message),
    );
    const expectation = expect(guarded).rejects.toSatisfy(
      (err) => err instanceof CustomError && err.message === "ledger lookup: no answer within 50 ms",
    );
    await vi.advanceTimersByTimeAsync(50);
    await expectation;
  });

  it("drops a rejection of the work that comes after the deadline (real timers)", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const work = pending<number>();
      const guarded = withDeadline(work.promise, 10, "work");
      await expect(guarded).rejects.toBeInstanceOf(DeadlineError);
      work.reject(new Error("late"));
      // Unhandled rejections are reported after the microtask queue drains: a macrotask later.
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("does not keep the process alive while it waits (real timers)", async () => {
    const before = keepingAlive();
    const work = pending<string>();
    const guarded = withDeadline(work.promise, 60_000, "work");
    expect(keepingAlive()).toBe(before);
    work.resolve("done");
    await expect(guarded).resolves.toBe("done");
  });
});
