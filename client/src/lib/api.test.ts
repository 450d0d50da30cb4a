// Goal: every way a call can end — data, a contract error, a proxy's error page, no network,
// too slow, cancelled — comes back as one typed outcome, typed by the endpoint and not by the
// caller, and admin writes carry the CSRF token.
import { describe, expect, expectTypeOf, it } from "vitest";
import { createApi, isRetryable, parseRetryAfter, plainMessage, type ApiError, type ApiResult } from "./api.js";
import * as endpoints from "./endpoints.js";
import { apiError, fakeFetch, hangUntilAborted, json } from "./test-support.js";
import type { AdminMeView, CheckinView, EventView } from "./views.js";

describe("createApi", () => {
  it("sends and reads JSON with same-origin credentials", async () => {
    const me = { username: "ada", role: "admin", csrfToken: "tok" };
    const fetch = fakeFetch(() => json(200, me));
    const api = createApi({ fetch });
    const result = await api.post(endpoints.adminLogin(), { username: "ada", password: "pw" });
    expect(result).toEqual({ ok: true, data: me });
    expect(fetch.calls[0]).toMatchObject({
      path: "/api/admin/login",
      method: "POST",
      body: { username: "ada", password: "pw" },
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
    });
  });

  it("reads an empty 204 as undefined data", async () => {
    const api = createApi({ fetch: fakeFetch(() => new Response(null, { status: 204 })) });
    expect(await api.post(endpoints.adminLogout())).toEqual({ ok: true, data: undefined });
  });

  it("maps the contract's error shape to a typed ApiError", async () => {
    const api = createApi({ fetch: fakeFetch(() => apiError(409, "sold_out", "class GA has 0 left")) });
    expect(await api.get(endpoints.event("e1"))).toEqual({
      ok: false,
      error: { status: 409, code: "sold_out", message: "class GA has 0 left", retryAfterSeconds: null },
    });
  });

  it("maps unknown codes and non-JSON error pages by HTTP status", async () => {
    const unknown = createApi({ fetch: fakeFetch(() => apiError(404, "no_such_code")) });
    expect(await unknown.get(endpoints.event("e1"))).toMatchObject({
      ok: false,
      error: { status: 404, code: "not_found" },
    });
    const proxy = createApi({ fetch: fakeFetch(() => new Response("<html>Bad Gateway</html>", { status: 502 })) });
    expect(await proxy.get(endpoints.event("e1"))).toMatchObject({
      ok: false,
      error: { status: 502, code: "internal_error", message: "HTTP 502" },
    });
  });

  it("reports a 200 that is not JSON as bad_response", async () => {
    const api = createApi({ fetch: fakeFetch(() => new Response("<html></html>", { status: 200 })) });
    expect(await api.get(endpoints.event("e1"))).toMatchObject({
      ok: false,
      error: { status: 200, code: "bad_response" },
    });
  });

  it("reads Retry-After on rate limits", async () => {
    const api = createApi({
      fetch: fakeFetch(() => apiError(429, "rate_limited", "slow down", { "Retry-After": "42" })),
    });
    const result = await api.post(endpoints.adminLogin(), { username: "ada", password: "pw" });
    expect(result).toMatchObject({ ok: false, error: { code: "rate_limited", retryAfterSeconds: 42 } });
  });

  it("turns a thrown fetch into network_error", async () => {
    const api = createApi({ fetch: fakeFetch(() => Promise.reject(new TypeError("Failed to fetch"))) });
    expect(await api.get(endpoints.events())).toMatchObject({ ok: false, error: { status: 0, code: "network_error" } });
  });

  it("gives up after the deadline with timeout", async () => {
    const api = createApi({ fetch: fakeFetch((_, signal) => hangUntilAborted(signal)), timeoutMs: 20 });
    expect(await api.get(endpoints.events())).toMatchObject({ ok: false, error: { status: 0, code: "timeout" } });
  });

  it("reports the caller's cancel as aborted, not as a timeout", async () => {
    const api = createApi({ fetch: fakeFetch((_, signal) => hangUntilAborted(signal)) });
    const caller = new AbortController();
    const pending = api.get(endpoints.events(), { signal: caller.signal });
    caller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { code: "aborted" } });
  });

  it("adds X-CSRF-Token to admin writes only, once a token is set", async () => {
    const fetch = fakeFetch(() => json(200, {}));
    const api = createApi({ fetch });
    await api.post(endpoints.adminLogin(), { username: "ada", password: "pw" });
    api.setCsrfToken("tok");
    await api.get(endpoints.adminEvents());
    await api.patch(endpoints.updateWaitingRoom("e1"), { paused: true });
    await api.post(endpoints.refundOrder("o1"));
    await api.post(endpoints.session());
    await api.delete(endpoints.leaveQueue("e1"));
    api.setCsrfToken(null);
    await api.post(endpoints.adminLogout());
    expect(fetch.calls.map((c) => [c.method, c.path, c.headers["X-CSRF-Token"]])).toEqual([
      ["POST", "/api/admin/login", undefined],
      ["GET", "/api/admin/events", undefined],
      ["PATCH", "/api/admin/events/e1/waiting-room", "tok"],
      ["POST", "/api/admin/orders/o1/refund", "tok"],
      ["POST", "/api/session", undefined],
      ["DELETE", "/api/events/e1/queue", undefined],
      ["POST", "/api/admin/logout", undefined],
    ]);
  });

  it("asserts on relative paths (a programmer error)", async () => {
    const api = createApi({ fetch: fakeFetch(() => json(200, {})) });
    await expect(api.getText("api/x")).rejects.toThrow(/absolute/);
  });
});

describe("endpoints", () => {
  it("build their paths with the parameters encoded", () => {
    expect(endpoints.event("a/b?c")).toEqual({ method: "GET", path: "/api/events/a%2Fb%3Fc" });
    expect(endpoints.cancelOrder("o 1")).toEqual({ method: "POST", path: "/api/orders/o%201/cancel" });
    const page = endpoints.adminOrders("e1", { q: "a&b", status: "paid" }, "c1", 50);
    expect(page.path).toBe("/api/admin/orders?eventId=e1&limit=50&q=a%26b&status=paid&cursor=c1");
    expect(endpoints.adminOrders("e1", { q: "", status: "" }, null, 50).path).toBe(
      "/api/admin/orders?eventId=e1&limit=50",
    );
  });

  it("type the answer and the body; the caller cannot choose either (checked by the typecheck)", () => {
    const api = createApi({ fetch: fakeFetch(() => json(200, {})) });
    expectTypeOf(api.get(endpoints.event("e1"))).resolves.toEqualTypeOf<ApiResult<EventView>>();
    expectTypeOf(api.post(endpoints.checkin(), { code: "x" })).resolves.toEqualTypeOf<ApiResult<CheckinView>>();
    expectTypeOf(api.get(endpoints.adminMe())).resolves.toEqualTypeOf<ApiResult<AdminMeView>>();
    const never = () => {
      // @ts-expect-error: the answer is the endpoint's, not a type the caller names (a wider one of it is allowed)
      void api.get<{ orderId: string }>(endpoints.event("e1"));
      // @ts-expect-error: a write's endpoint is not a read's
      void api.get(endpoints.checkin());
      // @ts-expect-error: the body is the endpoint's
      void api.post(endpoints.checkin(), { ticket: "x" });
      // @ts-expect-error: an endpoint that takes a body needs one
      void api.post(endpoints.adminLogin());
      // @ts-expect-error: an endpoint that takes none refuses one
      void api.post(endpoints.refundOrder("o1"), { reason: "x" });
      // @ts-expect-error: no free paths
      void api.get("/api/events");
    };
    expect(never).toBeTypeOf("function");
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:30 GMT", now)).toBe(30);
    expect(parseRetryAfter("Mon, 31 Dec 2029 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe("plainMessage", () => {
  const error = (code: ApiError["code"], status: number, retryAfterSeconds: number | null = null): ApiError => ({
    status,
    code,
    message: "developer words",
    retryAfterSeconds,
  });

  it("says how long to wait when rate limited", () => {
    expect(plainMessage(error("rate_limited", 429, 30))).toBe("Too many attempts — try again in 30 seconds.");
    expect(plainMessage(error("rate_limited", 429, 1))).toBe("Too many attempts — try again in 1 second.");
    expect(plainMessage(error("rate_limited", 429))).toBe("Too many attempts — try again in a moment.");
  });

  it("says an overloaded server is busy with fans, and for how long when it said", () => {
    expect(plainMessage(error("overloaded", 503, 2))).toBe(
      "Lots of fans are checking out right now. Please try again in 2 seconds.",
    );
    expect(plainMessage(error("overloaded", 503))).toBe(
      "Lots of fans are checking out right now. Please try again in a moment.",
    );
    expect(isRetryable(error("overloaded", 503, 2))).toBe(true);
  });

  it("offers a retry only where one can help", () => {
    expect(isRetryable(error("network_error", 0))).toBe(true);
    expect(isRetryable(error("internal_error", 502))).toBe(true);
    expect(isRetryable(error("rate_limited", 429, 5))).toBe(true);
    expect(isRetryable(error("not_found", 404))).toBe(false);
    expect(isRetryable(error("forbidden", 403))).toBe(false);
  });

  it("never shows the server's developer message", () => {
    for (const code of ["network_error", "timeout", "sold_out", "internal_error", "not_found"] as const) {
      expect(plainMessage(error(code, 500))).not.toContain("developer words");
    }
  });
});

describe("details and text answers", () => {
  it("keeps the server's error details and reads text bodies", async () => {
    const fetch = fakeFetch((call) =>
      call.path === "/api/svg"
        ? new Response("<svg></svg>", { status: 200, headers: { "Content-Type": "image/svg+xml" } })
        : apiError409(),
    );
    const api = createApi({ fetch });
    expect(await api.getText("/api/svg")).toEqual({ ok: true, data: "<svg></svg>" });
    const failed = await api.post(endpoints.checkin(), { code: "x" });
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.details).toEqual({ checkedInAt: "2030-03-14T20:31:05.000Z" });
  });
});

function apiError409(): Response {
  return new Response(
    JSON.stringify({
      error: { code: "already_checked_in", message: "already", details: { checkedInAt: "2030-03-14T20:31:05.000Z" } },
    }),
    {
      status: 409,
      headers: { "Content-Type": "application/json" },
    },
  );
}
