// Goal: a client's outcome (HttpError) is made without a stack, and every other error still gets one.
import { describe, expect, it } from "vitest";
import { HttpError } from "./errors.js";

describe("HttpError", () => {
  it("carries its answer and no stack frames, and leaves other errors their stacks", () => {
    const limit = Error.stackTraceLimit;
    const err = new HttpError(409, "sold_out", "every ticket is taken", { tier: "GA" }, { "Retry-After": "1" });
    expect({ status: err.status, code: err.code, message: err.message, details: err.details, headers: err.headers }).toEqual({
      status: 409, code: "sold_out", message: "every ticket is taken", details: { tier: "GA" }, headers: { "Retry-After": "1" },
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.stack?.split("\n")).toEqual(["Error: every ticket is taken"]);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error("a bug").stack?.split("\n").length).toBeGreaterThan(1);
  });
});
