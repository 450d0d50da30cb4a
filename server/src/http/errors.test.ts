// Goal: a client's outcome (HttpError, DomainError) is made without a stack, and every other error
// still gets one. Every error code has its status, and a service's DomainError thrown in a route is
// answered exactly as the HttpError it replaced was (status, body bytes, Retry-After); a socket's
// ack gets the same code and message.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes, type ErrorCode } from "@stampede/shared/errors";
import { LedgerUnavailableError } from "@stampede/shared/ledger/port";
import { OverloadedError } from "../adapters/batching/admission-gate.js";
import { DomainError, errorStatus, rateLimited } from "../services/errors.js";
import { errorBody, errorHandler, HttpError, isRefusal } from "./errors.js";

describe("HttpError", () => {
  it("carries its answer and no stack frames, and leaves other errors their stacks", () => {
    const limit = Error.stackTraceLimit;
    const err = new HttpError(409, "sold_out", "every ticket is taken", { tier: "GA" }, { "Retry-After": "1" });
    expect({
      status: err.status,
      code: err.code,
      message: err.message,
      details: err.details,
      headers: err.headers,
    }).toEqual({
      status: 409,
      code: "sold_out",
      message: "every ticket is taken",
      details: { tier: "GA" },
      headers: { "Retry-After": "1" },
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.stack?.split("\n")).toEqual(["Error: every ticket is taken"]);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error("a bug").stack?.split("\n").length).toBeGreaterThan(1);
  });
});

describe("DomainError", () => {
  it("carries the contract's code, message, details and retry-after, and no stack frames", () => {
    const limit = Error.stackTraceLimit;
    const err = new DomainError("rate_limited", "too many joins", {
      details: { retryAfterSeconds: 3 },
      retryAfterSeconds: 3,
    });
    expect({
      code: err.code,
      message: err.message,
      details: err.details,
      retryAfterSeconds: err.retryAfterSeconds,
    }).toEqual({
      code: "rate_limited",
      message: "too many joins",
      details: { retryAfterSeconds: 3 },
      retryAfterSeconds: 3,
    });
    expect(err.stack?.split("\n")).toEqual(["Error: too many joins"]);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("every error code has a status, and only those", () => {
    expect(Object.keys(errorStatus).sort()).toEqual([...errorCodes].sort());
    const unlike = errorCodes.filter(
      (code) => !Number.isInteger(errorStatus[code]) || errorStatus[code] < 400 || errorStatus[code] > 599,
    );
    expect(unlike).toEqual([]);
  });
});

/** A refusal without details or retry-after: thrown before as HttpError(status, code, message), now as DomainError(code, message). */
const plain = (status: number, code: ErrorCode, message: string): [string, HttpError, DomainError] => [
  code,
  new HttpError(status, code, message),
  new DomainError(code, message),
];

// What each service threw before (the HttpError, copied from the code it replaced) and throws now.
const replaced: Array<[name: string, before: HttpError, now: DomainError]> = [
  plain(409, "sold_out", "GA is sold out"),
  plain(409, "insufficient_stock", "only 2 GA tickets left"),
  plain(409, "hold_active", "you already hold tickets"),
  plain(409, "sale_not_open", "the sale is paused"),
  plain(409, "conflict", "the hold has ended"),
  plain(403, "admission_required", "wait for your turn"),
  plain(422, "invalid_request", "body.items: one line"),
  plain(404, "not_found", "no such event"),
  plain(429, "fan_limit_reached", "at most 4 tickets"),
  plain(503, "not_ready", "being rebuilt"),
  [
    "request_in_progress",
    new HttpError(409, "request_in_progress", "still in progress", undefined, { "Retry-After": "3" }),
    new DomainError("request_in_progress", "still in progress", { retryAfterSeconds: 3 }),
  ],
  [
    "rate_limited (joins)",
    new HttpError(
      429,
      "rate_limited",
      "too many joins; try again in 7 s",
      { retryAfterSeconds: 7 },
      { "Retry-After": "7" },
    ),
    rateLimited(7, "joins"),
  ],
  [
    "rate_limited (sign-ins)",
    new HttpError(
      429,
      "rate_limited",
      "too many sign-in attempts; try again in 2 s",
      { retryAfterSeconds: 2, retryAfterMs: 1_500 },
      {
        "Retry-After": "2",
      },
    ),
    rateLimited(2, "sign-in attempts", { retryAfterMs: 1_500 }),
  ],
];

describe("the answer to a thrown error", () => {
  const app = express();
  const thrown = new Map<string, unknown>();
  app.get("/throw/:name", (req) => {
    throw thrown.get(req.params.name);
  });
  app.use(errorHandler);
  const server = createServer(app);
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  async function answerTo(err: unknown) {
    const name = `e${thrown.size}`;
    thrown.set(name, err);
    const res = await fetch(`${url}/throw/${name}`);
    const { status, headers } = res;
    return {
      status,
      retryAfter: headers.get("retry-after"),
      type: headers.get("content-type"),
      body: await res.text(),
    };
  }

  it.each(replaced)(
    "%s: a DomainError is answered byte for byte as the HttpError it replaced",
    async (_name, before, now) => {
      const old = await answerTo(before);
      expect(old.status).toBe(before.status);
      expect(await answerTo(now)).toEqual(old);
      expect(errorStatus[now.code]).toBe(before.status);
    },
  );

  it("answers an overload and an unavailable ledger as before", async () => {
    expect(await answerTo(new OverloadedError("hold requests", 2))).toEqual({
      status: 503,
      retryAfter: "2",
      type: "application/json; charset=utf-8",
      body: JSON.stringify({
        error: {
          code: "overloaded",
          message:
            "hold requests: too busy right now: nothing was done; retry after Retry-After (the same request is safe to repeat)",
          details: { retryAfterSeconds: 2 },
        },
      }),
    });
    const ledger = await answerTo(new LedgerUnavailableError("down"));
    expect([ledger.status, ledger.retryAfter, JSON.parse(ledger.body)]).toEqual([
      503,
      "1",
      {
        error: {
          code: "ledger_unavailable",
          message: "the ticket ledger is not answering; retry in a moment (the same request is safe to repeat)",
        },
      },
    ]);
  });

  it("gives a socket's ack the code and message of the HTTP answer", () => {
    for (const [, before, now] of replaced) {
      expect(isRefusal(now) && isRefusal(before)).toBe(true);
      expect(errorBody(now)).toEqual(errorBody(before));
    }
    expect(isRefusal(new Error("a bug"))).toBe(false);
  });
});
