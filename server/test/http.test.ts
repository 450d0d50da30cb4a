// Goal: the HTTP plumbing answers as the contract says — JSON errors with codes (404, 413, bad
// JSON), request ids, metrics, the OpenAPI document and its rendered page.
import { json } from "./support/services.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("http plumbing", () => {
  it("answers unknown API routes with a JSON 404", async () => {
    const res = await fetch(`${t.url}/api/nothing-here`);
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({ error: { code: "not_found", message: "no route for GET /api/nothing-here" } });
  });

  it("answers 413 payload_too_large for a body over the limit, before doing any work", async () => {
    const res = await fetch(`${t.url}/api/admin/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "x".repeat(100_000), password: "p" }),
    });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe("payload_too_large");
  });

  it("answers 400 invalid_json for a body that is not JSON", async () => {
    const res = await fetch(`${t.url}/api/admin/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe("invalid_json");
  });

  it("answers 422 invalid_request naming the field", async () => {
    const res = await fetch(`${t.url}/api/admin/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin" }),
    });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(/^body\.password:/);
  });

  it("echoes a well-formed X-Request-Id and makes one up otherwise", async () => {
    const given = await fetch(`${t.url}/healthz`, { headers: { "x-request-id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await fetch(`${t.url}/healthz`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sets security headers (helmet)", async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("exposes Prometheus metrics including request timings by route", async () => {
    await fetch(`${t.url}/healthz`);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toMatch(
      /stampede_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/,
    );
  });

  it("serves an OpenAPI 3.1 document generated from the route schemas, and a docs page", async () => {
    const doc = await json(await fetch(`${t.url}/api/openapi.json`));
    expect(doc.openapi).toBe("3.1.0");
    const login = doc.paths["/api/admin/login"].post;
    expect(login.requestBody.content["application/json"].schema.required).toEqual(["username", "password"]);
    const page = await fetch(`${t.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("swagger-ui");
    const asset = await fetch(`${t.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
  });

  it("says plainly when the client is not built, for page routes only", async () => {
    const page = await fetch(`${t.url}/events/some-id`);
    expect(page.status).toBe(503);
    expect((await json(page)).error.message).toContain("npm run build");
  });
});
