// Goal: the dashboard offers exactly the status moves the workflow allows (destructive ones ask
// first), a move shows its result and a refused one shows the latest status, live ticks can't
// undo our own move on screen, admission settings validate and save, and 401 signs out.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AdminEventControl, statusActions, wholeIn } from "./admin-event.svelte.js";
import { createApi } from "./api.js";
import { apiError, event, fakeFetch, json, type RecordedCall } from "./test-support.js";
import type { EventView } from "./views.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-03-14T18:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("statusActions", () => {
  it("offers only the workflow's moves, with words and confirmations", () => {
    expect(statusActions("draft").map((a) => a.to)).toEqual(["on_sale", "scheduled", "cancelled"]);
    expect(statusActions("on_sale").map((a) => a.label)).toEqual([
      "Pause the sale",
      "Close the sale",
      "Cancel the event",
    ]);
    expect(statusActions("paused").map((a) => a.label)).toEqual([
      "Resume the sale",
      "Close the sale",
      "Cancel the event",
    ]);
    expect(statusActions("closed").map((a) => a.label)).toEqual(["Cancel the event"]);
    expect(statusActions("cancelled")).toEqual([]);
    const close = statusActions("on_sale").find((a) => a.to === "closed");
    expect(close).toMatchObject({ destructive: true, confirm: expect.stringMatching(/can't be undone/) });
    expect(statusActions("on_sale").find((a) => a.to === "paused")?.destructive).toBe(false);
  });
});

describe("wholeIn", () => {
  it("accepts whole numbers in the range", () => {
    const range = { min: 1, max: 1_000_000 };
    expect(wholeIn(" 600 ", range)).toBe(600);
    expect(wholeIn("1000000", range)).toBe(1_000_000);
    for (const bad of ["", "0", "-1", "1.5", "abc", "2000000", "999999999"]) expect(wholeIn(bad, range)).toBeNull();
  });
});

function setup(handlers: Record<string, (call: RecordedCall) => Response> = {}) {
  let current: EventView = event({ status: "on_sale" });
  const fetch = fakeFetch((call) => {
    const handler = handlers[`${call.method} ${call.path}`];
    if (handler) return handler(call);
    if (call.method === "GET" && call.path === "/api/admin/events/e1") return json(200, current);
    if (call.path === "/api/admin/events/e1/status") {
      current = { ...current, status: (call.body as { status: EventView["status"] }).status };
      return json(200, current);
    }
    if (call.path === "/api/admin/events/e1/waiting-room") {
      current = { ...current, waitingRoom: { ...current.waitingRoom, ...(call.body as object) } };
      return json(200, current);
    }
    if (call.path === "/api/admin/events/e1/audit")
      return json(200, { eventId: "e1", ok: true, checkedAt: "x", classes: [], perks: [] });
    return apiError(404, "not_found");
  });
  const onUnauthorized = vi.fn();
  const control = new AdminEventControl({ api: createApi({ fetch }), eventId: "e1", onUnauthorized });
  return { control, fetch, onUnauthorized, setCurrent: (e: EventView) => (current = e) };
}

describe("AdminEventControl", () => {
  it("loads the event and fills the admission fields", async () => {
    const { control } = setup();
    await control.load();
    expect(control.event?.status).toBe("on_sale");
    expect(control.admission.mode).toBe("manual");
    expect(control.admission.admitPerMinute).toBe("600");
    expect(control.admission.admitPerMinuteFloor).toBe("60");
    expect(control.maxActiveCheckouts).toBe("200");
    expect(control.admissionChanged).toBe(false);
  });

  it("pauses and resumes", async () => {
    const { control, fetch } = setup();
    await control.load();
    expect(await control.move("paused")).toBe(true);
    expect(control.event?.status).toBe("paused");
    expect(control.actions[0]?.label).toBe("Resume the sale");
    await control.move("on_sale");
    expect(control.event?.status).toBe("on_sale");
    expect(fetch.calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([
      { status: "paused" },
      { status: "on_sale" },
    ]);
  });

  it("a refused move says so and shows the latest status", async () => {
    const { control, setCurrent } = setup({
      "POST /api/admin/events/e1/status": () => apiError(409, "invalid_transition"),
    });
    await control.load();
    setCurrent(event({ status: "closed" }));
    expect(await control.move("paused")).toBe(false);
    expect(control.problem).toMatch(/isn't allowed/);
    expect(control.event?.status).toBe("closed");
    expect(control.actions.map((a) => a.to)).toEqual(["cancelled"]);
  });

  it("takes the status from live ticks, except right after its own move", async () => {
    const { control } = setup();
    await control.load();
    control.observeStatus("sold_out");
    expect(control.event?.status).toBe("sold_out");
    await control.move("paused");
    control.observeStatus("sold_out"); // a tick read before the move
    expect(control.event?.status).toBe("paused");
    vi.advanceTimersByTime(5_000);
    control.observeStatus("on_sale");
    expect(control.event?.status).toBe("on_sale");
    control.observeStatus("nonsense");
    expect(control.event?.status).toBe("on_sale");
  });

  it("validates and saves a fixed rate", async () => {
    const { control, fetch } = setup();
    await control.load();
    control.admission.admitPerMinute = "0";
    expect(control.admissionErrors.admitPerMinute).toBe("A whole number from 1 to 1,000,000.");
    expect(await control.saveAdmission()).toBe(false);
    control.admission.admitPerMinute = "999999999"; // the rule, not "at least 1"
    expect(control.admissionErrors.admitPerMinute).toBe("A whole number from 1 to 1,000,000.");
    control.maxActiveCheckouts = "0";
    expect(control.admissionErrors.maxActiveCheckouts).toBe("A whole number from 1 to 1,000,000.");
    control.admission.admitPerMinuteFloor = "oops"; // not used by a fixed rate: no message
    control.admission.admitPerMinute = "120";
    control.maxActiveCheckouts = "5";
    expect(control.admissionErrors).toEqual({});
    expect(control.admissionChanged).toBe(true);
    expect(await control.saveAdmission()).toBe(true);
    const sent = { admission: "manual", admitPerMinute: 120, maxActiveCheckouts: 5 };
    expect(fetch.calls.at(-1)).toMatchObject({ method: "PATCH", body: sent });
    expect(Object.keys(fetch.calls.at(-1)?.body as object)).toEqual([
      "admission",
      "admitPerMinute",
      "maxActiveCheckouts",
    ]);
    expect(control.saved).toBe(true);
    expect(control.event?.waitingRoom.maxActiveCheckouts).toBe(5);
    expect(control.admissionChanged).toBe(false);
  });

  it("switches to automatic with a floor and a ceiling, the floor never above the ceiling", async () => {
    const { control, fetch } = setup();
    await control.load();
    control.admission.mode = "auto";
    expect(control.admissionChanged).toBe(true); // the mode alone is a change
    control.admission.admitPerMinuteFloor = "5000";
    control.admission.admitPerMinuteCeiling = "1000";
    expect(control.admissionErrors).toEqual({ admitPerMinuteFloor: "The floor must not be above the ceiling." });
    expect(await control.saveAdmission()).toBe(false);
    control.admission.admitPerMinuteCeiling = "0";
    expect(control.admissionErrors).toEqual({ admitPerMinuteCeiling: "A whole number from 1 to 1,000,000." });
    control.admission.admitPerMinuteFloor = "100";
    control.admission.admitPerMinuteCeiling = "9000";
    expect(await control.saveAdmission()).toBe(true);
    expect(fetch.calls.at(-1)?.body).toEqual({
      admission: "auto",
      admitPerMinute: 600,
      admitPerMinuteFloor: 100,
      admitPerMinuteCeiling: 9_000,
      maxActiveCheckouts: 200,
    });
    expect(control.event?.waitingRoom).toMatchObject({
      admission: "auto",
      admitPerMinuteFloor: 100,
      admitPerMinuteCeiling: 9_000,
    });
    expect(control.admissionChanged).toBe(false);
  });

  it("puts the server's refusal under the field it names until the field is edited", async () => {
    const issue = { field: "body.admitPerMinuteFloor", message: "the floor must not be above the ceiling" };
    const message = `${issue.field}: ${issue.message}`;
    const refuse = () => json(422, { error: { code: "invalid_request", message, details: { issues: [issue] } } });
    const { control } = setup({ "PATCH /api/admin/events/e1/waiting-room": refuse });
    await control.load();
    control.admission.mode = "auto";
    expect(await control.saveAdmission()).toBe(false);
    expect(control.fieldError("admitPerMinuteFloor")).toBe("The floor must not be above the ceiling.");
    expect(control.problem).toBe("The admission settings weren't saved — see the message under the field.");
    control.edited();
    expect(control.fieldError("admitPerMinuteFloor")).toBeUndefined();
  });

  it("runs the audit on demand", async () => {
    const { control } = setup();
    await control.runAudit();
    expect(control.auditState).toMatchObject({ kind: "loaded", data: { ok: true } });
  });

  it("a 401 anywhere ends the admin session", async () => {
    const { control, onUnauthorized } = setup({ "GET /api/admin/events/e1": () => apiError(401, "unauthorized") });
    await control.load();
    expect(onUnauthorized).toHaveBeenCalled();
  });

  it("a viewer's write is refused in plain words", async () => {
    const { control } = setup({ "POST /api/admin/events/e1/status": () => apiError(403, "forbidden") });
    await control.load();
    await control.move("paused");
    expect(control.problem).toMatch(/needs the admin role/);
  });
});
