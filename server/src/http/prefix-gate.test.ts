// Goal: a gated router answers exactly what it answered before (any case, trailing slash,
// parameters), a request it cannot match goes on to the next handler, and a router with
// middleware of its own is always entered.
import express, { Router } from "express";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prefixGate } from "./prefix-gate.js";

let base = "";
let close: () => void = () => {};
let entered: string[] = [];

beforeAll(async () => {
  const events = Router();
  events.get("/api/events/:id/stock", (req, res) => res.json({ stock: req.params.id }));
  events.get("/api/events", (_req, res) => res.json({ list: true }));
  const withMiddleware = Router();
  withMiddleware.use((req, _res, next) => {
    entered.push(`middleware ${req.path}`);
    next();
  });
  const app = express();
  app.use(prefixGate(events));
  app.use(prefixGate(withMiddleware));
  app.get("/api/orders/:id", (req, res) => res.json({ order: req.params.id }));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const get = async (path: string) => {
  const res = await fetch(`${base}${path}`);
  return `${res.status} ${res.status === 200 ? JSON.stringify(await res.json()) : ""}`.trim();
};

describe("prefixGate", () => {
  it("answers as the router does: parameters, any case, a trailing slash", async () => {
    expect(await get("/api/events/e1/stock")).toBe('200 {"stock":"e1"}');
    expect(await get("/API/Events/e2/STOCK")).toBe('200 {"stock":"e2"}');
    expect(await get("/api/events/")).toBe('200 {"list":true}');
    expect(await get("/api/events/e1/nothing")).toBe("404");
  });

  it("passes a path none of its routes can match on to the next handler, and always enters a router with middleware", async () => {
    entered = [];
    expect(await get("/api/orders/o1")).toBe('200 {"order":"o1"}');
    expect(entered).toEqual(["middleware /api/orders/o1"]);
  });
});
