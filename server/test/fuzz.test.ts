// Goal (R18): no request makes the server answer 5xx. Every operation of the app's own OpenAPI
// document is fuzzed from its schema — path ids (real, random, hostile), query values, bodies
// (valid-shaped, then broken: wrong types, missing and extra fields, huge, null, deep, invalid
// JSON, the wrong media type), with and without every kind of credential — as are the routes
// outside the document that take ids (pages, MockPay's page, QR images, the webhook). Every
// 4xx is a JSON error with a known code and leaves PostgreSQL and Redis as they were, and every
// JSON answer parses with what its route declares (the response check counted no mismatch).
// FUZZ_RUNS (per operation) and FUZZ_SEED repeat or lengthen a run.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes } from "@stampede/shared/errors";
import { signWebhook } from "../src/payments/webhook.js";
import { startTestApp, testAdmin, testWebhookSecret, type TestApp } from "./support/app.js";
import { basicAuth } from "./support/fans.js";
import {
  errorCodeOf,
  hostile,
  mutate,
  pathSegment,
  queryPart,
  rawBodies,
  send,
  valueOf,
  type JsonSchema,
  type KnownValues,
  type Mutation,
  type RawResponse,
} from "./support/fuzz.js";
import { makeFixtures, type AdminLogin, type Fixtures } from "./support/fuzz-fixtures.js";
import { changes, snapshot } from "./support/state-snapshot.js";

const runs = Number(process.env.FUZZ_RUNS ?? 6);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface Parameter {
  name: string;
  in: "path" | "query";
  schema: JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: JsonSchema | null;
}
interface Attempt {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

let t: TestApp;
let f: Fixtures;
let operations: Operation[];

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), "stampede-fuzz-client-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>Stampede</title>");
  writeFileSync(join(dist, "assets", "app.js"), "export {};");
  t = await startTestApp({ clientDistDir: dist });
  f = await makeFixtures(t);
  const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<string, { parameters: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
    >;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters,
      body: op.requestBody?.content["application/json"]?.schema ?? null,
    })),
  );
  console.log(
    `fuzz: seed ${seed}, ${runs} runs per operation, ${operations.length} operations (repeat with FUZZ_SEED=${seed} FUZZ_RUNS=${runs})`,
  );
}, 120_000);
afterAll(() => t?.close());

function known(): KnownValues {
  return {
    eventId: [f.saleEventId, f.draftEventId],
    orderId: [f.held.orderId, f.paid.orderId],
    ticketId: f.paid.ticketIds,
    sessionId: [f.held.sessionId, f.paid.sessionId],
    classId: [f.classId],
    code: [f.paid.ticketCode],
    file: ["2026-01-01T00-00-00Z-purchase.json"],
    username: [testAdmin.username, f.users.viewer.username],
  };
}

const authKinds = [
  "none",
  "fan",
  "fanCookie",
  "otherFan",
  "badBearer",
  "heldOrder",
  "heldOrderQuery",
  "paidOrder",
  "admin",
  "adminBasic",
  "adminNoCsrf",
  "viewer",
  "scanner",
  "forgedCookie",
  "badBasic",
  "undecodableBasic",
] as const;
type AuthKind = (typeof authKinds)[number];

const cookieAuth = (login: AdminLogin, csrf: boolean) => ({
  cookie: login.cookie,
  ...(csrf ? { "x-csrf-token": login.csrfToken } : {}),
});

/** Headers (and a query token) for one kind of credential; signing out uses spare sessions. */
function credentials(kind: AuthKind, op: Operation, junk: string): { headers: Record<string, string>; query?: string } {
  const logins = op.path === "/api/admin/logout" ? f.spare : f;
  switch (kind) {
    case "none":
      return { headers: {} };
    case "fan":
      return { headers: { authorization: `Bearer ${f.fan.fanToken}` } };
    case "fanCookie":
      return { headers: { cookie: `stampede_fan=${f.fan.fanToken}` } };
    case "otherFan":
      return { headers: { authorization: `Bearer ${f.otherFan.fanToken}` } };
    case "badBearer":
      return { headers: { authorization: `Bearer ${encodeURIComponent(junk)}` } };
    case "heldOrder":
      return { headers: { authorization: `Bearer ${f.held.orderToken}` } };
    case "heldOrderQuery":
      return { headers: {}, query: `token=${f.held.orderToken}` };
    case "paidOrder":
      return { headers: { authorization: `Bearer ${f.paid.orderToken}` } };
    case "admin":
      return { headers: cookieAuth(logins.admin, true) };
    case "adminBasic":
      return { headers: { authorization: basicAuth(testAdmin.username, testAdmin.password) } };
    case "adminNoCsrf":
      return { headers: cookieAuth(logins.admin, false) };
    case "viewer":
      return { headers: cookieAuth(logins.viewer, true) };
    case "scanner":
      return { headers: cookieAuth(logins.scanner, true) };
    case "forgedCookie":
      return {
        headers: { cookie: `stampede_admin=${encodeURIComponent(junk)}; stampede_fan=${encodeURIComponent(junk)}` },
      };
    case "badBasic":
      return { headers: { authorization: basicAuth(junk, junk) } };
    case "undecodableBasic":
      return { headers: { authorization: `Basic ${encodeURIComponent(junk)}!!` } };
  }
}

const jsonBody = (v: unknown) => ({
  contentType: "application/json" as string | null,
  body: JSON.stringify(v) ?? "null",
});

function bodies(op: Operation): fc.Arbitrary<{ contentType: string | null; body: string } | null> {
  if (!op.body) return fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, rawBodies, hostile.map(jsonBody));
  const valid = valueOf(op.body, known());
  const broken = fc
    .tuple(valid, fc.nat(), fc.constantFrom<Mutation>("replace", "delete", "extra", "wrap"), hostile)
    .map(([v, pick, how, bad]) => mutate(v, pick, how, bad));
  return fc.oneof(
    { arbitrary: valid.map(jsonBody), weight: 3 },
    { arbitrary: broken.map(jsonBody), weight: 4 },
    { arbitrary: rawBodies, weight: 2 },
    fc.constant(null),
  );
}

function attempts(op: Operation): fc.Arbitrary<Attempt> {
  const ids = known();
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  return fc
    .record({
      segments: fc.tuple(...pathParams.map((p) => pathSegment(ids[p.name] ?? [crypto.randomUUID()]))),
      query: fc.tuple(...queryParams.map((p) => queryPart(p.name, p.schema))),
      body: bodies(op),
      auth: fc.constantFrom(...authKinds),
      junk: fc.string({ unit: "binary", maxLength: 30 }),
    })
    .map(({ segments, query, body, auth, junk }): Attempt => {
      let path = op.path;
      pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, segments[i] ?? "")));
      const { headers, query: tokenQuery } = credentials(auth, op, junk);
      const qs = [...query, tokenQuery ?? ""].filter(Boolean).join("&");
      const bodyHeaders: Record<string, string> = body?.contentType ? { "content-type": body.contentType } : {};
      return described({
        method: op.method,
        path: qs ? `${path}?${qs}` : path,
        headers: { ...headers, ...bodyHeaders },
        body: body?.body,
      });
    });
}

const cut = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** An attempt that prints short in fast-check's counterexample (a 60 kB string would bury it). */
function described(a: Attempt): Attempt {
  return Object.assign(a, {
    [fc.toStringMethod]: () => `${a.method} ${cut(a.path)} ${cut(JSON.stringify(a.headers))} body=${cut(a.body ?? "")}`,
  });
}

const isApi = (path: string) => path.startsWith("/api/") || path.startsWith("/mockpay/api/");

/** Sends one attempt and throws (with the request and the answer) if any property fails. */
async function check(a: Attempt): Promise<RawResponse> {
  const before = await snapshot(t.pool, t.redis, t.testRedis.prefix);
  const res = await send(t.url, a.method, a.path, a.headers, a.body);
  const sent = `${a.method} ${cut(a.path)} ${cut(JSON.stringify(a.headers))} body=${cut(a.body ?? "")}`;
  const what = () => `${sent}\n→ ${res.status} ${res.contentType} ${cut(res.text, 500)}`;
  if (res.status >= 500) throw new Error(`5xx: ${what()}`);
  if (res.status < 400) return res;
  const code = errorCodeOf(res);
  const html = res.contentType.startsWith("text/html") && !isApi(a.path.split("?")[0] ?? "");
  if (!html && (code === null || !(errorCodes as readonly string[]).includes(code)))
    throw new Error(`4xx without a JSON error code: ${what()}`);
  const changed = changes(before, await snapshot(t.pool, t.redis, t.testRedis.prefix));
  if (changed.length > 0) throw new Error(`a refused request changed state (${changed.join("; ")}): ${what()}`);
  return res;
}

describe("HTTP fuzz", () => {
  it("answers every documented operation's hostile ids with a 4xx that changes nothing", async () => {
    const segments = [
      "%00",
      "a%00b",
      "not-an-id",
      "..",
      "%zz",
      "%E2%82",
      "x".repeat(3000),
      "0",
      crypto.randomUUID().toUpperCase(),
      "ps_%00",
    ];
    for (const op of operations.filter((o) => o.parameters.some((p) => p.in === "path"))) {
      // Signed in as whoever may call it, with a body the schema accepts: only the id is wrong.
      const auth: AuthKind = op.path.startsWith("/api/admin/")
        ? "admin"
        : op.path.startsWith("/api/events/")
          ? "fan"
          : "heldOrder";
      const body = op.body ? JSON.stringify(fc.sample(valueOf(op.body, known()), { numRuns: 1, seed })[0]) : undefined;
      for (const segment of segments) {
        const path = op.path.replace(/\{[A-Za-z]+\}/g, segment);
        const { headers, query } = credentials(auth, op, "");
        const res = await check({
          method: op.method,
          path: query ? `${path}?${query}` : path,
          headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
          body,
        });
        expect(res.status, `${op.method} ${path.slice(0, 80)} as ${auth}`).toBeGreaterThanOrEqual(400);
      }
    }
  }, 300_000);

  it("refuses, with a 4xx that changes nothing, inputs that once broke it", async () => {
    const json = { "content-type": "application/json" };
    const admin = { ...json, ...credentials("admin", operations[0]!, "").headers };
    const nulSession = JSON.stringify({
      id: "evt_nul1",
      type: "payment.succeeded",
      created: Math.floor(Date.now() / 1000),
      data: { sessionId: "\u0000", orderId: f.held.orderId, amountCents: 2_000, currency: "USD" },
    });
    const cases: Attempt[] = [
      { method: "GET", path: "/mockpay/checkout/a%00b", headers: {} },
      {
        method: "POST",
        path: "/mockpay/checkout/%00/complete",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "outcome=succeeded",
      },
      {
        method: "POST",
        path: "/api/payments/webhook",
        headers: {
          ...json,
          "mockpay-signature": signWebhook(testWebhookSecret, nulSession, Math.floor(Date.now() / 1000)),
        },
        body: nulSession,
      },
      { method: "GET", path: "/api/admin/me", headers: { authorization: basicAuth("a\u0000b", "pw") } },
      {
        method: "POST",
        path: "/api/admin/login",
        headers: json,
        body: JSON.stringify({ username: "a\u0000", password: "x" }),
      },
      { method: "GET", path: "/api/admin/orders?q=%00", headers: admin },
      { method: "GET", path: "/api/admin/orders?eventId=a%00", headers: admin },
      {
        method: "POST",
        path: "/api/admin/events",
        headers: admin,
        body: JSON.stringify({ name: "N\u0000", classes: [{ code: "A", name: "A", priceCents: 1, capacity: 1 }] }),
      },
      { method: "GET", path: `/api/events?pad=${"x".repeat(20_000)}`, headers: {} },
    ];
    for (const a of cases)
      expect((await check(a)).status, `${a.method} ${a.path.slice(0, 60)}`).toBeGreaterThanOrEqual(400);
  });

  it("never answers 5xx to schema-driven requests, and every refusal changes nothing", async () => {
    for (const [i, op] of operations.entries()) {
      await fc.assert(
        fc.asyncProperty(attempts(op), async (a) => void (await check(a))),
        { seed: seed + i, numRuns: runs },
      );
    }
  }, 300_000);

  it("fuzzes the routes outside the document: pages, MockPay's page, QR images, the webhook", async () => {
    const seg = pathSegment([f.saleEventId, f.held.orderId, f.paid.ticketIds[0] ?? "", f.held.sessionId]);
    const page = fc
      .tuple(
        fc.constantFrom(
          "/events/",
          "/events/{}/board",
          "/orders/",
          "/admin/events/",
          "/mockpay/checkout/",
          "/assets/",
          "/api/tickets/{}/qr.png",
          "/api/tickets/{}/qr.svg",
        ),
        seg,
        fc.constantFrom("", `?token=${f.paid.orderToken}`, "?token=%00", "?token[x]=1"),
      )
      .map(([route, s, q]): Attempt =>
        described({
          method: "GET",
          path: `${route.includes("{}") ? route.replace("{}", s) : route + s}${q}`,
          headers: {},
        }),
      );
    const form = fc
      .tuple(
        seg,
        fc.constantFrom("outcome=succeeded", "outcome=bogus", "outcome=%00", "outcome[x]=1", "", "x".repeat(70_000)),
        fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain"),
      )
      .map(([s, body, type]): Attempt =>
        described({ method: "POST", path: `/mockpay/checkout/${s}/complete`, headers: { "content-type": type }, body }),
      );
    const now = () => Math.floor(Date.now() / 1000);
    const event = fc.record({
      id: fc.oneof(fc.constant("evt_fuzz1"), fc.string()),
      type: fc.constantFrom("payment.succeeded", "payment.failed", "refund.succeeded", "nope"),
      created: fc.constant(now()),
      data: fc.record({
        sessionId: fc.constantFrom(f.held.sessionId, "ps_%00", "\u0000"),
        orderId: fc.constantFrom(f.held.orderId, f.paid.orderId, "not-a-uuid", "\u0000"),
        amountCents: fc.constantFrom(2_000, -1, 1e308),
        currency: fc.constantFrom("USD", "usd"),
      }),
    });
    const signed = fc
      .tuple(event, fc.nat(), fc.constantFrom<Mutation>("replace", "delete", "extra", "wrap"), hostile, fc.boolean())
      .map(([e, pick, how, bad, broken]) => JSON.stringify(broken ? mutate(e, pick, how, bad) : e) ?? "null")
      .map((body): Attempt =>
        described({
          method: "POST",
          path: "/api/payments/webhook",
          headers: {
            "content-type": "application/json",
            "mockpay-signature": signWebhook(testWebhookSecret, body, now()),
          },
          body,
        }),
      );
    const unsigned = fc
      .tuple(rawBodies, fc.constantFrom("", "t=1,v1=00", `t=${now()},v1=${"0".repeat(64)}`, "garbage"))
      .map(([b, sig]): Attempt =>
        described({
          method: "POST",
          path: "/api/payments/webhook",
          headers: {
            ...(b.contentType ? { "content-type": b.contentType } : {}),
            ...(sig ? { "mockpay-signature": sig } : {}),
          },
          body: b.body,
        }),
      );
    await fc.assert(
      fc.asyncProperty(fc.oneof(page, form, signed, unsigned), async (a) => void (await check(a))),
      { seed, numRuns: runs * 20 },
    );
  }, 300_000);

  it("answered all of the above as the routes declare: each 2xx by its schema, each error as ErrorBody", () => {
    expect(t.responseCheck?.mismatches).toBe(0);
  });
});
