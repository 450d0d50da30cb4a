// Goal: a refused join reads as plain words, and the refusals that pass by themselves (a busy or
// overloaded server) keep the page trying while the ones that don't (sold out, no such event) stop.
import { describe, expect, it } from "vitest";
import { joinProblem } from "./queue-link.js";

describe("joinProblem", () => {
  it("keeps trying while the server is busy or overloaded, in plain words", () => {
    for (const code of ["overloaded", "rate_limited", "not_ready", "internal_error"]) {
      const problem = joinProblem(code);
      expect(problem.retryable, code).toBe(true);
      expect(problem.message, code).toMatch(/We'll keep trying — stay on this page\.$/);
    }
    expect(joinProblem("overloaded").message).toBe(
      "Lots of fans are arriving right now. We'll keep trying — stay on this page.",
    );
  });

  it("stops where trying again can't help", () => {
    expect(joinProblem("sold_out")).toMatchObject({
      retryable: false,
      message: "Sold out — every ticket has been taken.",
    });
    expect(joinProblem("not_found").retryable).toBe(false);
    expect(joinProblem("something_new")).toMatchObject({ retryable: true });
  });
});
