// Goal: a route answers what its schema says, or it shows. A handler's return value is typed by the
// 2xx schemas its route declares (another shape does not compile); at run time, with the check on,
// a JSON answer that does not parse with its status's schema — a wrong field, an extra one, a status
// the route does not declare, an error that is not ErrorBody — is logged at error level with the
// route and zod's issues, and counted; a right one is not. The document carries the same schemas.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../logger.js";
import { errorHandler, HttpError } from "./errors.js";
import { OpenApiRegistry } from "./openapi.js";
import { requestLogging } from "./request-logging.js";
import { ResponseCheck, type ResponseMismatch } from "./response-check.js";
import { defineRoute } from "./route.js";

const seatView = z.strictObject({ seat: z.string(), row: z.int().min(1) });
const seat = { description: "a seat", schema: seatView };

interface Served {
  url: string;
  lines: Array<{ level: number; msg: string; responseMismatch?: ResponseMismatch }>;
  check: ResponseCheck;
  metrics: Registry;
  registry: OpenApiRegistry;
  close: () => Promise<unknown>;
}

function routes(router: express.Router, registry: OpenApiRegistry): void {
  const get = (path: string) => ({ method: "get" as const, path, summary: path, tags: ["t"] });
  defineRoute(router, registry, { ...get("/right"), responses: { 200: seat } }, () => ({ seat: "A1", row: 1 }));
  defineRoute(router, registry, { ...get("/created"), responses: { 201: seat } }, (_i, _req, res) => {
    res.status(201);
    return { seat: "B2", row: 2 };
  });
  defineRoute(router, registry, { ...get("/refused"), responses: { 200: seat, 404: { description: "none" } } }, () => {
    throw new HttpError(404, "not_found", "no such seat");
  });
  // @ts-expect-error -- a handler that builds another shape than its route declares does not compile
  defineRoute(router, registry, { ...get("/wrong"), responses: { 200: seat } }, () => ({ seat: "A1", row: "one" }));
  // Types do not see a field added through a variable: the check does.
  const withExtra = { seat: "C3", row: 3, price: 100 };
  defineRoute(router, registry, { ...get("/extra"), responses: { 200: seat } }, () => withExtra);
  defineRoute(router, registry, { ...get("/accepted"), responses: { 200: seat } }, (_i, _req, res) => {
    res.status(202);
    return { seat: "D4", row: 4 };
  });
  defineRoute(router, registry, { ...get("/bad-error"), responses: { 200: seat } }, (_i, _req, res) => {
    res.status(409).json({ error: { code: "double_booked" as "conflict", message: "taken" } });
  });
  defineRoute(router, registry, { ...get("/undescribed"), responses: { 200: { description: "anything" } } }, () => ({
    whatever: true,
  }));
}

async function serve(withCheck: boolean): Promise<Served> {
  const lines: Served["lines"] = [];
  const logger = createLogger("warn", "t", {
    write: (line: string) => void lines.push(JSON.parse(line) as Served["lines"][number]),
  });
  const metrics = new Registry();
  const check = new ResponseCheck(metrics);
  const registry = new OpenApiRegistry(withCheck ? check : null);
  const app = express();
  app.use(requestLogging(logger));
  const router = express.Router();
  routes(router, registry);
  app.use(router);
  app.use(errorHandler);
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, lines, check, metrics, registry, close: () => new Promise((r) => server.close(r)) };
}

let on: Served;
let off: Served;
beforeAll(async () => {
  [on, off] = await Promise.all([serve(true), serve(false)]);
});
afterAll(() => Promise.all([on.close(), off.close()]));

const call = async (s: Served, path: string) => {
  const res = await fetch(`${s.url}${path}`);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe("the response check", () => {
  it("lets answers that match their schema through, untouched and uncounted (a returned body, a set status, an error)", async () => {
    expect(await call(on, "/right")).toEqual({ status: 200, body: { seat: "A1", row: 1 } });
    expect(await call(on, "/created")).toEqual({ status: 201, body: { seat: "B2", row: 2 } });
    expect((await call(on, "/refused")).status).toBe(404);
    expect((await call(on, "/undescribed")).status).toBe(200); // no schema declared: nothing to hold it to
    expect(on.check.mismatches).toBe(0);
    expect(on.lines).toEqual([]);
  });

  it("logs and counts a wrong field, an extra field, an undeclared status, an error that is not ErrorBody; still answers", async () => {
    const before = on.check.mismatches;
    expect(await call(on, "/wrong")).toEqual({ status: 200, body: { seat: "A1", row: "one" } });
    expect((await call(on, "/extra")).status).toBe(200);
    expect((await call(on, "/accepted")).status).toBe(202);
    expect((await call(on, "/bad-error")).status).toBe(409);
    expect(on.check.mismatches - before).toBe(4);
    const logged = on.lines.slice(-4);
    expect(logged.every((l) => l.level === 50)).toBe(true); // pino's error level
    expect(logged.map((l) => [l.responseMismatch?.route, l.responseMismatch?.status])).toEqual([
      ["GET /wrong", 200],
      ["GET /extra", 200],
      ["GET /accepted", 202],
      ["GET /bad-error", 409],
    ]);
    expect(logged[0]?.responseMismatch?.issues).toEqual([
      { path: "row", message: expect.stringContaining("expected number") },
    ]);
    expect(logged[1]?.responseMismatch?.issues[0]?.message).toContain("price");
    expect(logged[2]?.msg).toContain("GET /accepted answered 202");
    expect(logged[3]?.responseMismatch?.issues[0]?.path).toBe("error.code");
    const metrics = await on.metrics.getSingleMetricAsString("stampede_http_response_mismatches_total");
    expect(metrics).toMatch(new RegExp(`^stampede_http_response_mismatches_total ${on.check.mismatches}$`, "m"));
  });

  it("does nothing when it is off", async () => {
    expect((await call(off, "/wrong")).status).toBe(200);
    expect((await call(off, "/extra")).status).toBe(200);
    expect(off.lines).toEqual([]);
  });

  it("puts the declared schemas in the OpenAPI document, and errors as the one ErrorBody", () => {
    const doc = on.registry.document({ title: "t", version: "1", serverUrl: "http://x" }) as {
      paths: Record<
        string,
        { get: { responses: Record<string, { content: Record<string, { schema: Record<string, unknown> }> }> } }
      >;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const json = (path: string, status: string) =>
      doc.paths[path]?.get.responses[status]?.content["application/json"]?.schema;
    expect(json("/right", "200")).toMatchObject({
      type: "object",
      required: ["seat", "row"],
      additionalProperties: false,
      properties: { row: { type: "integer", minimum: 1 } },
    });
    expect(json("/refused", "404")).toEqual({ $ref: "#/components/schemas/ErrorBody" });
    expect(Object.keys(doc.components.schemas.ErrorBody?.properties ?? {})).toEqual(["error"]);
  });
});
