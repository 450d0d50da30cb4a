// Goal: the dashboard's Resale panel fills its form from the event's settings (the defaults when
// never set), checks the fields against the shared bounds before sending, saves them whole with
// PUT, puts a 422 under its field, and keeps typed changes across a refresh.
import { describe, expect, it, vi } from "vitest";
import type { AdminResaleView } from "@stampede/shared/api/resale";
import { AdminResale } from "./admin-resale.svelte.js";
import { createApi } from "./api.js";
import { listing } from "./resale-test-support.js";
import { apiError, fakeFetch, json, type Responder } from "./test-support.js";

const view = (over: Partial<AdminResaleView> = {}): AdminResaleView => ({
  settings: { enabled: false, priceCapPercent: 100, feePercent: 0, lockSeconds: 300 },
  counts: { listed: 1, locked: 0, sold: 0, withdrawn: 0 },
  listings: [listing()],
  ...over,
});

function setup(onPut: Responder) {
  const fetch = fakeFetch((call, signal) => (call.method === "PUT" ? onPut(call, signal) : json(200, view())));
  const unauthorized = vi.fn();
  const resale = new AdminResale({ api: createApi({ fetch }), eventId: "e1", onUnauthorized: unauthorized });
  return { resale, fetch, unauthorized };
}

describe("AdminResale", () => {
  it("fills the form, checks it, and saves it whole", async () => {
    const { resale, fetch } = setup((call) => json(200, call.body));
    await resale.load();
    expect(fetch.calls[0]?.path).toBe("/api/admin/events/e1/resale");
    expect([resale.enabled, resale.priceCapPercent, resale.feePercent, resale.lockSeconds]).toEqual([
      false,
      "100",
      "0",
      "300",
    ]);
    expect(resale.changed).toBe(false);
    resale.enabled = true;
    resale.priceCapPercent = "400";
    expect(resale.fieldError("priceCapPercent")).toBe("A whole number from 50 to 300.");
    expect(await resale.save()).toBe(false);
    expect(fetch.calls.filter((c) => c.method === "PUT")).toHaveLength(0);
    resale.priceCapPercent = "120";
    resale.feePercent = "5";
    expect(resale.changed).toBe(true);
    expect(await resale.save()).toBe(true);
    const put = fetch.calls.find((c) => c.method === "PUT");
    expect(put?.body).toEqual({ enabled: true, priceCapPercent: 120, feePercent: 5, lockSeconds: 300 });
    expect([resale.saved, resale.changed, resale.view?.settings.enabled]).toEqual([true, false, true]);
  });

  it("puts a 422 under its field, and says a viewer may not change them", async () => {
    let answer = json(422, {
      error: {
        code: "invalid_request",
        message: "body.lockSeconds: Too big",
        details: { issues: [{ field: "body.lockSeconds", message: "Too big: expected int to be <=1800" }] },
      },
    });
    const { resale } = setup(() => answer);
    await resale.load();
    resale.feePercent = "3";
    expect(await resale.save()).toBe(false);
    expect(resale.fieldError("lockSeconds")).toBe("Must be at most 1800.");
    expect(resale.problem).toMatch(/see the message under the field/);
    answer = apiError(403, "forbidden");
    expect(await resale.save()).toBe(false);
    expect(resale.problem).toBe("Changing the resale settings needs the admin role.");
  });

  it("keeps typed changes across a refresh, and reports an ended session", async () => {
    const { resale } = setup(() => apiError(401, "unauthorized"));
    await resale.load();
    resale.feePercent = "7";
    await resale.load();
    expect(resale.feePercent).toBe("7");
    const fetch = fakeFetch(() => apiError(401, "unauthorized"));
    const onUnauthorized = vi.fn();
    const out = new AdminResale({ api: createApi({ fetch }), eventId: "e1", onUnauthorized });
    await out.load();
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });
});
