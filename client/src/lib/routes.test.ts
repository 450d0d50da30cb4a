// Goal: every contract path this client serves maps to its page, anything else to not-found,
// and server paths are recognised so links to them load for real.
import { describe, expect, it } from "vitest";
import { isServerPath, matchPattern, matchRoute } from "./routes.js";

describe("matchRoute", () => {
  it("maps the pages", () => {
    expect(matchRoute("/")).toEqual({ name: "home" });
    expect(matchRoute("/events/e-1")).toEqual({ name: "event", eventId: "e-1" });
    expect(matchRoute("/events/a%20b")).toEqual({ name: "event", eventId: "a b" });
    expect(matchRoute("/events/e-1/board")).toEqual({ name: "board", eventId: "e-1" });
    expect(matchRoute("/events/e-1/lottery")).toEqual({ name: "lottery", eventId: "e-1" });
    expect(matchRoute("/admin")).toEqual({ name: "admin" });
    expect(matchRoute("/admin/")).toEqual({ name: "admin" });
    expect(matchRoute("/orders/o-1")).toEqual({ name: "order", orderId: "o-1" });
    expect(matchRoute("/resale/purchases/p-1")).toEqual({ name: "resale_purchase", purchaseId: "p-1" });
    expect(matchRoute("/admin/events/e-1")).toEqual({ name: "admin_event", eventId: "e-1" });
    expect(matchRoute("/admin/checkin")).toEqual({ name: "admin_checkin" });
  });

  it("sends anything else to not-found", () => {
    expect(matchRoute("/events")).toEqual({ name: "not_found", pathname: "/events" });
    expect(matchRoute("/events/1/extra/deep")).toMatchObject({ name: "not_found" });
    expect(matchRoute("/events/%E0%A4%A")).toMatchObject({ name: "not_found" });
    expect(matchRoute("/nope")).toMatchObject({ name: "not_found" });
  });
});

describe("matchPattern", () => {
  it("captures named segments", () => {
    expect(matchPattern("/a/:x/b/:y", "/a/1/b/2")).toEqual({ x: "1", y: "2" });
    expect(matchPattern("/a/:x", "/b/1")).toBeNull();
  });
});

describe("isServerPath", () => {
  it("knows what the server answers itself", () => {
    for (const p of ["/api/events", "/mockpay/checkout/s1", "/healthz", "/metrics", "/socket.io/"])
      expect(isServerPath(p)).toBe(true);
    for (const p of ["/", "/events/1", "/admin", "/apiary"]) expect(isServerPath(p)).toBe(false);
  });
});
