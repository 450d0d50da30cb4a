// Goal: admin authentication holds — session cookie login/logout, HTTP Basic for scripts, roles
// (admin / viewer / scanner), CSRF on cookie-authenticated writes, wrong passwords, the login
// backoff on wrong passwords (429 + Retry-After; slows a guesser, never locks the owner out), and
// an audit row for every admin action.
import { json } from "./support/services.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adminLoginBackoffMaxMs } from "@stampede/shared/limits";
import { startTestApp, testAdmin, type TestApp } from "./support/app.js";
import { waitFor } from "./support/fans.js";

// The sign-in backoff runs on this clock: a test moves it on instead of sleeping.
let clock = Date.now();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ adminLoginBackoff: { now: () => clock } });
});
afterAll(() => t.close());
// Every test starts with all sign-in waits over.
afterEach(() => {
  clock += adminLoginBackoffMaxMs;
});

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const jsonType = { "content-type": "application/json" };

async function login(username: string, password: string, ip?: string) {
  const res = await fetch(`${t.url}/api/admin/login`, {
    method: "POST",
    headers: { ...jsonType, ...(ip ? { "x-forwarded-for": ip } : {}) },
    body: JSON.stringify({ username, password }),
  });
  const cookie = res.headers.get("set-cookie")?.split(";")[0] ?? "";
  return {
    res,
    cookie,
    body: (await json(res)) as { username?: string; role?: string; csrfToken?: string; error?: { code: string } },
  };
}

async function createUser(username: string, role: string, password = "a-good-password") {
  const res = await fetch(`${t.url}/api/admin/users`, {
    method: "POST",
    headers: { ...jsonType, authorization: basic(testAdmin.username, testAdmin.password) },
    body: JSON.stringify({ username, password, role }),
  });
  expect(res.status).toBe(201);
  return { username, password };
}

describe("admin auth", () => {
  it("signs in with a session cookie that is HttpOnly and SameSite", async () => {
    const { res, body } = await login(testAdmin.username, testAdmin.password);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ username: "admin", role: "admin" });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^stampede_admin=/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
  });

  it("answers 401 without credentials and with a wrong password, never saying which part was wrong", async () => {
    expect((await fetch(`${t.url}/api/admin/me`)).status).toBe(401);
    const wrong = await login(testAdmin.username, "not-the-password");
    expect(wrong.res.status).toBe(401);
    const unknown = await login("nobody", "not-the-password");
    expect(unknown.res.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect((await fetch(`${t.url}/api/admin/me`, { headers: { cookie: "stampede_admin=forged" } })).status).toBe(401);
  });

  it("accepts HTTP Basic for scripts and never asks browsers for it", async () => {
    const ok = await fetch(`${t.url}/api/admin/me`, {
      headers: { authorization: basic(testAdmin.username, testAdmin.password) },
    });
    expect(ok.status).toBe(200);
    const me = await json(ok);
    expect(me.csrfToken).toBeNull();
    expect(me.paymentProviders).toEqual(["mockpay"]); // no Stripe keys on this server
    const bad = await fetch(`${t.url}/api/admin/me`, {
      headers: { authorization: basic(testAdmin.username, "wrong") },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBeNull();
  });

  it("requires the CSRF token for cookie-authenticated writes, not for Basic", async () => {
    const { cookie, body } = await login(testAdmin.username, testAdmin.password);
    const payload = JSON.stringify({ username: "csrf-check", password: "a-good-password", role: "viewer" });
    const noToken = await fetch(`${t.url}/api/admin/users`, {
      method: "POST",
      headers: { ...jsonType, cookie },
      body: payload,
    });
    expect(noToken.status).toBe(403);
    expect((await json(noToken)).error.code).toBe("csrf_failed");
    const wrongToken = await fetch(`${t.url}/api/admin/users`, {
      method: "POST",
      headers: { ...jsonType, cookie, "x-csrf-token": "x".repeat(32) },
      body: payload,
    });
    expect(wrongToken.status).toBe(403);
    const list = await json(await fetch(`${t.url}/api/admin/users`, { headers: { cookie } }));
    expect(list.users.map((u: { username: string }) => u.username)).not.toContain("csrf-check");
    const withToken = await fetch(`${t.url}/api/admin/users`, {
      method: "POST",
      headers: { ...jsonType, cookie, "x-csrf-token": body.csrfToken ?? "" },
      body: payload,
    });
    expect(withToken.status).toBe(201);
  });

  it("enforces roles: viewer reads but cannot manage users; scanner is signed in but not an admin", async () => {
    const viewer = await createUser("vera", "viewer");
    const scanner = await createUser("sam", "scanner");
    const asViewer = { authorization: basic(viewer.username, viewer.password) };
    expect((await fetch(`${t.url}/api/admin/me`, { headers: asViewer })).status).toBe(200);
    const denied = await fetch(`${t.url}/api/admin/users`, { headers: asViewer });
    expect(denied.status).toBe(403);
    expect((await json(denied)).error.code).toBe("forbidden");
    const asScanner = { authorization: basic(scanner.username, scanner.password) };
    expect((await json(await fetch(`${t.url}/api/admin/me`, { headers: asScanner }))).role).toBe("scanner");
    expect(
      (await fetch(`${t.url}/api/admin/users`, { method: "POST", headers: { ...jsonType, ...asScanner }, body: "{}" }))
        .status,
    ).toBe(403);
  });

  it("rejects a duplicate username with 409 and a short password with 422", async () => {
    const auth = { ...jsonType, authorization: basic(testAdmin.username, testAdmin.password) };
    const dupe = await fetch(`${t.url}/api/admin/users`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ username: "admin", password: "a-good-password", role: "viewer" }),
    });
    expect(dupe.status).toBe(409);
    const short = await fetch(`${t.url}/api/admin/users`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ username: "shorty", password: "123", role: "viewer" }),
    });
    expect(short.status).toBe(422);
    expect((await json(short)).error.message).toMatch(/^body\.password:/);
  });

  it("signs out: the cookie stops working", async () => {
    const { cookie, body } = await login(testAdmin.username, testAdmin.password);
    expect((await fetch(`${t.url}/api/admin/me`, { headers: { cookie } })).status).toBe(200);
    const out = await fetch(`${t.url}/api/admin/logout`, {
      method: "POST",
      headers: { cookie, "x-csrf-token": body.csrfToken ?? "" },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${t.url}/api/admin/me`, { headers: { cookie } })).status).toBe(401);
  });

  it("makes the next attempt wait after a wrong password (429 + Retry-After, Basic too), then lets the right one in", async () => {
    const user = await createUser("target", "viewer");
    expect((await login(user.username, "guess")).res.status).toBe(401);
    const limited = await login(user.username, user.password);
    expect(limited.res.status).toBe(429);
    expect(limited.body.error?.code).toBe("rate_limited");
    expect(limited.res.headers.get("retry-after")).toBe("1");
    // Basic auth goes through the same limiter.
    const viaBasic = await fetch(`${t.url}/api/admin/me`, {
      headers: { authorization: basic(user.username, user.password) },
    });
    expect(viaBasic.status).toBe(429);
    // Another account is not affected.
    expect((await login(testAdmin.username, testAdmin.password)).res.status).toBe(200);
    clock += 1_000;
    expect((await login(user.username, user.password)).res.status).toBe(200);
  });

  it("ignores X-Forwarded-For when no proxy is trusted (a spoofed IP cannot dodge the wait)", async () => {
    const user = await createUser("spoofed", "viewer");
    expect((await login(user.username, "guess", "10.0.0.1")).res.status).toBe(401);
    expect((await login(user.username, "guess", "10.0.0.2")).res.status).toBe(429);
    expect((await login(user.username, user.password, "10.9.9.9")).res.status).toBe(429);
  });

  it("writes an audit row for sign-ins and admin writes", async () => {
    const viewer = await createUser("audited", "viewer");
    // Rows are written after the response: tag this test's requests and wait for their rows.
    const tag = `audit-${Date.now().toString(36)}`;
    const request = (path: string, authorization: string | null, body: unknown, id: string) =>
      fetch(`${t.url}${path}`, {
        method: "POST",
        headers: { ...jsonType, "x-request-id": `${tag}-${id}`, ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
    const newUser = (username: string) => ({ username, password: "a-good-password", role: "viewer" });
    expect(
      (
        await request(
          "/api/admin/users",
          basic(testAdmin.username, testAdmin.password),
          newUser("audited-2"),
          "created",
        )
      ).status,
    ).toBe(201);
    expect(
      (await request("/api/admin/users", basic(viewer.username, viewer.password), newUser("audited-3"), "forbidden"))
        .status,
    ).toBe(403);
    expect(
      (await request("/api/admin/login", null, { username: viewer.username, password: "wrong-password" }, "login"))
        .status,
    ).toBe(401);
    const rows = await waitFor("the three audit rows", async () => {
      const { rows } = await t.pool.query<{
        action: string;
        username: string | null;
        status: number;
        request_id: string;
      }>("SELECT action, username, status, request_id FROM admin_audit WHERE request_id LIKE $1 ORDER BY request_id", [
        `${tag}-%`,
      ]);
      return rows.length === 3 ? rows : null;
    });
    expect(
      rows.map(({ action, username, status, request_id }) => [
        request_id.slice(tag.length + 1),
        action,
        username,
        status,
      ]),
    ).toEqual([
      ["created", "POST /api/admin/users", "admin", 201],
      ["forbidden", "POST /api/admin/users", "audited", 403],
      ["login", "login", "audited", 401],
    ]);
  });
});
