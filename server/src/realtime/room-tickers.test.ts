// Goal: a node's tickers survive PostgreSQL being away when they start. Their first read of the
// live events is made at once, outside the timers' catch; a rejection there ended the process (an
// unhandled rejection, seen once in the chaos run). Negative control: the same read made plain
// (as it was) reaches the process's unhandled-rejection handler.
import { afterEach, describe, expect, it, vi } from "vitest";
import { RoomTickers, type TickerDeps } from "./room-tickers.js";

const away = () => Promise.reject(new Error("Connection terminated unexpectedly"));
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
  unhandled.splice(0);
});

describe("room tickers", () => {
  it("log a failed first read of the live events and keep running", async () => {
    process.on("unhandledRejection", onUnhandled);
    const warned: string[] = [];
    const deps = {
      repo: { list: away },
      logger: { warn: (_: unknown, msg: string) => warned.push(msg) },
    } as unknown as TickerDeps;
    const tickers = new RoomTickers(deps);
    tickers.start();
    await vi.waitFor(() => expect(warned).toContain("ticker's first read of the live events failed"));
    await tickers.stop();
    // Unhandled rejections are reported after the microtask queue drains: give it a macrotask.
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);

    // Negative control: a plain call of the same read is an unhandled rejection.
    void deps.repo.list([]);
    await vi.waitFor(() => expect(unhandled).toHaveLength(1));
  });
});
