// Goal: processes are sorted into the kinds the CPU split reports, and the split subtracts.
import { describe, expect, it } from "vitest";
import { cpuSplit, processKind } from "./proc-cpu.js";

describe("proc-cpu", () => {
  it("names the kinds", () => {
    expect(processKind("postgres: stampede_bench_x 127.0.0.1(5000) idle")).toBe("postgresql");
    expect(processKind("redis-server 127.0.0.1:6379")).toBe("redis");
    expect(processKind("/usr/bin/node --import tsx /work/main/server/src/main.ts")).toBe("server");
    expect(processKind("/usr/bin/node --import tsx /work/main/workers/src/main.ts")).toBe("workers");
    expect(processKind("/usr/bin/node --import tsx /work/main/bench/gen/http.ts")).toBe("generators");
    expect(processKind("/usr/bin/chromium")).toBeNull();
  });

  it("sums CPU seconds per kind between snapshots", () => {
    const before = new Map([[1, { kind: "server", ticks: 100 }]]);
    const after = new Map([[1, { kind: "server", ticks: 350 }], [2, { kind: "postgresql", ticks: 120 }], [3, { kind: "postgresql", ticks: 30 }]]);
    expect(cpuSplit(before, after)).toEqual({ server: 2.5, postgresql: 1.5 });
  });
});
