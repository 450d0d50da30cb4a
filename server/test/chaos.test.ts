// Goal: R2 under faults, small enough for every run of the suite. `npm run chaos -- --seed 1
// --quick`: 60 fans buy, decline, abandon, pay late and double-click through two server processes
// while a workers process and a server are killed -9, Redis and PostgreSQL restart (all of them
// its own, on spare ports) and MockPay duplicates, delays, reorders and drops webhooks; the
// invariants I1–I4 hold at every sample and at rest. What the checker catches when they do not is
// proven by server/test/audit-cli.test.ts (orders changed by hand) and src/audit/classify.test.ts.
import { describe, expect, it } from "vitest";
import { runCli } from "./cli-run.js";

describe("npm run chaos --quick", () => {
  it("keeps every invariant through kills and restarts, and prints the seed, the schedule and the summary", async () => {
    const run = await runCli("chaos", ["--seed", "1", "--quick"], 280_000);
    const faultLines = run.output.split("\n").filter((l) => /^ {2}at \+\d/.test(l));
    expect(run.output.split("\n")[0]).toBe("chaos: seed 1");
    expect(faultLines).toHaveLength(4);
    expect(run.output).toMatch(
      /fans: 60 — paid \d+, paid late \d+, declined \d+, abandoned \d+, sold out \d+, stopped by a fault \d+/,
    );
    // The sale did happen: tickets were sold and some payments came after expiry.
    expect(run.output).toMatch(/orders: .*paid [1-9]\d*.*valid tickets [1-9]/);
    expect(run.output).toMatch(/history: [1-9]\d* samples taken/);
    expect(run.output).toMatch(
      /processes: \d+ starts refused while a dependency was down, each started again.*; 0 crashes/,
    );
    expect(run.output).toContain("history: no violation of I1–I4");
    expect(run.output).toContain("chaos: PASS (seed 1)");
    expect(run.code).toBe(0);
  }, 300_000);
});
