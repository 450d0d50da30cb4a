// Goal: the event lists and the event page move idle → loading → loaded|failed, show fans the
// sale that matters first, and never let a late answer overwrite a newer one.
import { describe, expect, it } from "vitest";
import { createApi } from "./api.js";
import { AdminEventsList, EventDetail, EventsList } from "./events.svelte.js";
import { apiError, event, fakeFetch, hangUntilAborted, json } from "./test-support.js";

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("EventsList", () => {
  it("goes loading → loaded, ordered on sale first then by date", async () => {
    const answer = deferred<Response>();
    const fetch = fakeFetch(() => answer.promise);
    const list = new EventsList(createApi({ fetch }));
    expect(list.state.kind).toBe("idle");

    const loading = list.load();
    expect(list.state.kind).toBe("loading");
    expect(list.events).toEqual([]);

    const later = event({ id: "later", startsAt: "2031-01-01T00:00:00Z" });
    const soon = event({ id: "soon", startsAt: "2030-01-01T00:00:00Z" });
    const scheduled = event({ id: "scheduled", status: "scheduled", startsAt: "2029-01-01T00:00:00Z" });
    answer.resolve(json(200, { events: [scheduled, later, soon] }));
    await loading;

    expect(fetch.calls[0]?.path).toBe("/api/events");
    expect(list.state.kind).toBe("loaded");
    expect(list.events.map((e) => e.id)).toEqual(["soon", "later", "scheduled"]);
  });

  it("fails with the mapped error and recovers on retry", async () => {
    let calls = 0;
    const list = new EventsList(
      createApi({ fetch: fakeFetch(() => (++calls === 1 ? apiError(503, "not_ready") : json(200, { events: [] }))) }),
    );
    await list.load();
    expect(list.state).toMatchObject({ kind: "failed", error: { status: 503, code: "not_ready" } });
    await list.load();
    expect(list.state).toEqual({ kind: "loaded", data: [] });
  });

  it("drops a slow answer once a newer load has started", async () => {
    const first = deferred<Response>();
    let calls = 0;
    const list = new EventsList(
      createApi({
        fetch: fakeFetch(() => (++calls === 1 ? first.promise : json(200, { events: [event({ id: "new" })] }))),
      }),
    );
    const slow = list.load();
    await list.load();
    first.resolve(json(200, { events: [event({ id: "old" })] }));
    await slow;
    expect(list.events.map((e) => e.id)).toEqual(["new"]);
  });

  it("cancel() aborts the call and goes back to idle", async () => {
    const fetch = fakeFetch((_, signal) => hangUntilAborted(signal));
    const list = new EventsList(createApi({ fetch }));
    const pending = list.load();
    list.cancel();
    await pending;
    expect(list.state.kind).toBe("idle");
  });
});

describe("EventDetail", () => {
  it("loads one event by its id, escaped into the path", async () => {
    const fetch = fakeFetch(() => json(200, event({ id: "a/b" })));
    const detail = new EventDetail(createApi({ fetch }), "a/b");
    await detail.load();
    expect(fetch.calls[0]?.path).toBe("/api/events/a%2Fb");
    expect(detail.event?.id).toBe("a/b");
  });

  it("reports an unknown event as not_found", async () => {
    const detail = new EventDetail(createApi({ fetch: fakeFetch(() => apiError(404, "not_found")) }), "nope");
    await detail.load();
    expect(detail.event).toBeNull();
    expect(detail.state).toMatchObject({ kind: "failed", error: { code: "not_found" } });
  });
});

describe("AdminEventsList", () => {
  it("loads every event from the admin endpoint", async () => {
    const fetch = fakeFetch(() => json(200, { events: [event({ status: "draft" })] }));
    const list = new AdminEventsList(createApi({ fetch }));
    await list.load();
    expect(fetch.calls[0]?.path).toBe("/api/admin/events");
    expect(list.events.map((e) => e.status)).toEqual(["draft"]);
  });

  it("tells the session when the server says it has ended", async () => {
    let ended = 0;
    const list = new AdminEventsList(
      createApi({ fetch: fakeFetch(() => apiError(401, "unauthorized")) }),
      () => ended++,
    );
    await list.load();
    expect(ended).toBe(1);
    expect(list.state.kind).toBe("failed");
  });
});
