// Goal: sign-in, sign-out and "who am I" each end in a clear state with plain-words errors, and
// the CSRF token from the server rides on the admin writes that follow (logout included).
import { describe, expect, it } from "vitest";
import { AdminSession } from "./admin-session.svelte.js";
import { createApi } from "./api.js";
import { apiError, fakeFetch, json, type RecordedCall } from "./test-support.js";

const me = { username: "ada", role: "admin", csrfToken: "csrf-123", paymentProviders: ["mockpay"] };

function server(routes: Record<string, (call: RecordedCall) => Response>) {
  const fetch = fakeFetch((call) => {
    const route = routes[`${call.method} ${call.path}`];
    return route ? route(call) : apiError(404, "not_found");
  });
  return { fetch, session: new AdminSession(createApi({ fetch })) };
}

describe("AdminSession", () => {
  it("starts unknown; me() with a live cookie signs in", async () => {
    const { session } = server({ "GET /api/admin/me": () => json(200, me) });
    expect(session.state.kind).toBe("unknown");
    const checking = session.me();
    expect(session.state.kind).toBe("checking");
    await checking;
    expect(session.state).toEqual({ kind: "signed_in", username: "ada", role: "admin" });
    expect(session.role).toBe("admin");
    expect(session.csrfToken).toBe("csrf-123");
    expect(session.paymentProviders).toEqual(["mockpay"]);
  });

  it("keeps the payment providers the server offers, for the New event form", async () => {
    const { session } = server({
      "POST /api/admin/login": () => json(200, { ...me, paymentProviders: ["mockpay", "stripe"] }),
    });
    expect(session.paymentProviders).toEqual(["mockpay"]); // before anyone signed in: MockPay only
    await session.login("ada", "correct horse");
    expect(session.paymentProviders).toEqual(["mockpay", "stripe"]);
  });

  it("me() for an HTTP Basic caller signs in without a CSRF token", async () => {
    const { session } = server({ "GET /api/admin/me": () => json(200, { ...me, csrfToken: null }) });
    await session.me();
    expect(session.signedIn).toBe(true);
    expect(session.csrfToken).toBeNull();
  });

  it("me() without a session is signed out with no error to show", async () => {
    const { session } = server({ "GET /api/admin/me": () => apiError(401, "unauthorized") });
    await session.me();
    expect(session.state).toEqual({ kind: "signed_out", expired: false });
    expect(session.errorMessage).toBeNull();
  });

  it("me() that cannot reach the server says so", async () => {
    const fetch = fakeFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    const session = new AdminSession(createApi({ fetch }));
    await session.me();
    expect(session.state.kind).toBe("signed_out");
    expect(session.errorMessage).toMatch(/can't reach Stampede/);
  });

  it("login success posts the credentials and keeps the CSRF token", async () => {
    const { fetch, session } = server({ "POST /api/admin/login": () => json(200, me) });
    const pending = session.login("ada", "correct horse");
    expect(session.submitting).toBe(true);
    expect(await pending).toBe(true);
    expect(session.submitting).toBe(false);
    expect(fetch.calls[0]?.body).toEqual({ username: "ada", password: "correct horse" });
    expect(session.state).toMatchObject({ kind: "signed_in", username: "ada" });
    expect(session.error).toBeNull();
  });

  it("login with wrong credentials stays signed out and says so", async () => {
    const { session } = server({ "POST /api/admin/login": () => apiError(401, "unauthorized", "bad credentials") });
    expect(await session.login("ada", "nope")).toBe(false);
    expect(session.signedIn).toBe(false);
    expect(session.error?.code).toBe("unauthorized");
    expect(session.errorMessage).toBe("Wrong username or password.");
    expect(session.submitting).toBe(false);
  });

  it("login when rate limited says how long to wait", async () => {
    const { session } = server({
      "POST /api/admin/login": () => apiError(429, "rate_limited", "too many", { "Retry-After": "60" }),
    });
    expect(await session.login("ada", "guess")).toBe(false);
    expect(session.error).toMatchObject({ code: "rate_limited", retryAfterSeconds: 60 });
    expect(session.errorMessage).toBe("Too many attempts — try again in 60 seconds.");
  });

  it("ignores a second submit while the first is in flight", async () => {
    const { fetch, session } = server({ "POST /api/admin/login": () => json(200, me) });
    const first = session.login("ada", "pw");
    expect(await session.login("ada", "pw")).toBe(false);
    await first;
    expect(fetch.calls).toHaveLength(1);
  });

  it("logout sends the CSRF header and signs out", async () => {
    const { fetch, session } = server({
      "POST /api/admin/login": () => json(200, me),
      "POST /api/admin/logout": (call) =>
        call.headers["X-CSRF-Token"] === "csrf-123"
          ? new Response(null, { status: 204 })
          : apiError(403, "csrf_failed"),
    });
    await session.login("ada", "pw");
    expect(await session.logout()).toBe(true);
    expect(fetch.calls[1]).toMatchObject({
      method: "POST",
      path: "/api/admin/logout",
      headers: { "X-CSRF-Token": "csrf-123" },
    });
    expect(session.state).toEqual({ kind: "signed_out", expired: false });
    expect(session.csrfToken).toBeNull();
  });

  it("logout that fails keeps the session and explains", async () => {
    const { session } = server({
      "POST /api/admin/login": () => json(200, me),
      "POST /api/admin/logout": () => apiError(500, "internal_error"),
    });
    await session.login("ada", "pw");
    expect(await session.logout()).toBe(false);
    expect(session.signedIn).toBe(true);
    expect(session.errorMessage).toMatch(/went wrong on our side/);
  });

  it("logout of an already-ended session just signs out", async () => {
    const { session } = server({
      "POST /api/admin/login": () => json(200, me),
      "POST /api/admin/logout": () => apiError(401, "unauthorized"),
    });
    await session.login("ada", "pw");
    expect(await session.logout()).toBe(true);
    expect(session.signedIn).toBe(false);
  });

  it("expired() signs out and marks why, and drops the token from later writes", async () => {
    const { fetch, session } = server({
      "POST /api/admin/login": () => json(200, me),
      "POST /api/admin/logout": () => new Response(null, { status: 204 }),
    });
    await session.login("ada", "pw");
    session.expired();
    expect(session.state).toEqual({ kind: "signed_out", expired: true });
    await session.logout();
    expect(fetch.calls[1]?.headers["X-CSRF-Token"]).toBeUndefined();
  });
});
