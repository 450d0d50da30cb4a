// Goal: a chaos run is repeatable from its seed — the same seed gives the same fault schedule and
// the same fans' decisions — and the crowd is what the campaign asks for (about 20 % abandon, 10 %
// decline, 10 % pay late, some double-click), with every fault once, inside the arrival window.
import { describe, expect, it } from "vitest";
import { fullSize, makePlan, planLines, quickSize } from "./plan.js";

describe("makePlan", () => {
  it("gives the same plan for the same seed and another for another seed", () => {
    expect(makePlan(42, fullSize, false)).toEqual(makePlan(42, fullSize, false));
    expect(planLines(makePlan(42, quickSize, true))).toEqual(planLines(makePlan(42, quickSize, true)));
    expect(makePlan(43, fullSize, false).fans).not.toEqual(makePlan(42, fullSize, false).fans);
  });

  it("draws the crowd's decisions in the campaign's proportions and each fault once within the window", () => {
    const plan = makePlan(7, { fans: 2_000, arrivalMs: 60_000, holdSeconds: 10 }, false);
    const share = (b: string) => plan.fans.filter((f) => f.behaviour === b).length / plan.fans.length;
    expect(share("abandon")).toBeGreaterThan(0.16);
    expect(share("abandon")).toBeLessThan(0.24);
    expect(share("decline")).toBeGreaterThan(0.07);
    expect(share("decline")).toBeLessThan(0.13);
    expect(share("late")).toBeGreaterThan(0.07);
    expect(share("late")).toBeLessThan(0.13);
    expect(plan.fans.some((f) => f.doubleClick)).toBe(true);
    expect(plan.faults.map((f) => f.kind).sort()).toEqual([
      "kill-server",
      "kill-workers",
      "restart-postgres",
      "restart-redis",
    ]);
    for (const f of plan.faults) expect(f.atMs).toBeLessThan(plan.size.arrivalMs);
  });
});
