// Goal: the board's fairness figures are read at start and again on each refresh, and a refresh
// that fails keeps the last figures shown; after destroy nothing is read.
import { describe, expect, it, vi } from "vitest";
import { createApi } from "./api.js";
import type { Clock } from "./clock.js";
import { FairnessFeed } from "./fairness-feed.svelte.js";
import { apiError, fakeFetch, json } from "./test-support.js";

function manualClock(): Clock & { fire(): void } {
  let tick: (() => void) | null = null;
  return {
    nowMs: () => 0,
    setTimeout: (run) => setTimeout(run, 0),
    clearTimeout: (h) => clearTimeout(h),
    setInterval: (run) => ((tick = run), 1 as unknown as ReturnType<typeof setInterval>),
    clearInterval: () => (tick = null),
    fire: () => tick?.(),
  };
}

describe("FairnessFeed", () => {
  it("reads, refreshes, keeps the last figures on a failure, and stops", async () => {
    const answers = [json(200, { inversions: 0 }), apiError(503, "unavailable"), json(200, { inversions: 2 })];
    const fetch = fakeFetch((call) => {
      expect(call.path).toBe("/api/events/e1/fairness");
      return answers.shift() ?? json(200, { inversions: 9 });
    });
    const clock = manualClock();
    const feed = new FairnessFeed(createApi({ fetch }), "e1", clock);
    feed.start();
    await vi.waitFor(() => expect(feed.summary).toEqual({ inversions: 0 }));
    clock.fire();
    await vi.waitFor(() => expect(fetch.calls).toHaveLength(2));
    expect(feed.summary).toEqual({ inversions: 0 });
    clock.fire();
    await vi.waitFor(() => expect(feed.summary).toEqual({ inversions: 2 }));
    feed.destroy();
    clock.fire();
    expect(fetch.calls).toHaveLength(3);
  });
});
