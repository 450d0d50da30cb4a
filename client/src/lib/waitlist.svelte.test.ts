import { describe, expect, it, vi } from "vitest";
import type { WaitlistEntry, WaitlistView } from "@stampede/shared/api/waitlist";
import type { Api, ApiError } from "./api.js";
import { fakeSession } from "./test-support.js";
import { WaitingList, waitlistPollMs } from "./waitlist.svelte.js";

const entry = (overrides: Partial<WaitlistEntry> = {}): WaitlistEntry => ({
  eventId: "e1",
  state: "waiting",
  position: 2,
  joinedAt: "2026-12-08T01:00:00.000Z",
  claimDeadline: null,
  admission: null,
  reason: null,
  ...overrides,
});

/** An Api answering the list's routes from a view the test sets; each call is recorded. */
function fakeApi(view: WaitlistView, refusal?: ApiError) {
  const state = { view, calls: [] as string[] };
  const answer = () => (refusal ? { ok: false as const, error: refusal } : { ok: true as const, data: state.view });
  const api = {
    get: async () => (state.calls.push("GET"), { ok: true as const, data: state.view }),
    post: async () => (state.calls.push("POST"), answer()),
    delete: async () => (state.calls.push("DELETE"), answer()),
  } as unknown as Pick<Api, "get" | "post" | "delete">;
  return { api, state };
}

describe("WaitingList", () => {
  it("offers the join while open, shows the number after it, and polls only while the entry can change", async () => {
    vi.useFakeTimers();
    const { api, state } = fakeApi({ entry: null, open: true, waiting: 3 });
    const list = new WaitingList({ eventId: "e1", api, session: fakeSession() });
    await list.start();
    expect([list.canJoin, list.entry]).toEqual([true, null]);
    await vi.advanceTimersByTimeAsync(waitlistPollMs * 2);
    expect(state.calls).toEqual(["GET"]); // not on the list: nothing to poll for

    state.view = { entry: entry({ position: 4 }), open: true, waiting: 4 };
    await list.join();
    expect([list.canJoin, list.entry?.position]).toEqual([false, 4]);
    state.view = {
      entry: entry({ state: "offered", claimDeadline: new Date(Date.now() + 60_000).toISOString() }),
      open: false,
      waiting: 3,
    };
    await vi.advanceTimersByTimeAsync(waitlistPollMs);
    expect(list.entry?.state).toBe("offered");
    expect(list.claimRemainingMs).toBeGreaterThan(50_000);
    list.destroy();
    vi.useRealTimers();
  });

  it("says why a join was refused when the sale is not sold out", async () => {
    const refusal: ApiError = { status: 409, code: "waitlist_unavailable", message: "x", retryAfterSeconds: null };
    const { api } = fakeApi({ entry: null, open: false, waiting: 0 }, refusal);
    const list = new WaitingList({ eventId: "e1", api, session: fakeSession() });
    await list.join();
    expect(list.problem).toMatch(/only while the sale is sold out/);
    expect(list.busy).toBe(false);
  });
});
