// Goal: processes are sorted into the kinds the CPU split reports, and the split subtracts.
import { describe, expect, it } from "vitest";
import { coresUsed, cpuSplit, processKind, shopAndProvider } from "./proc-cpu.js";

describe("proc-cpu", () => {
  it("names the kinds", () => {
    expect(processKind("postgres: stampede_bench_x 127.0.0.1(5000) idle")).toBe("postgresql");
    expect(processKind("redis-server 127.0.0.1:6379")).toBe("redis");
    expect(processKind("/usr/bin/node --import tsx /work/main/server/src/main.ts")).toBe("server");
    expect(processKind("/usr/bin/node --import tsx /work/main/workers/src/main.ts")).toBe("workers");
    expect(processKind("/usr/bin/node --import tsx /work/main/server/src/mockpay/main.ts")).toBe("mockpay");
    expect(processKind("/usr/bin/node --import tsx /work/main/bench/gen/http.ts")).toBe("generators");
    expect(processKind("/usr/bin/chromium")).toBeNull();
  });

  it("sums CPU seconds per kind between snapshots", () => {
    const before = new Map([[1, { kind: "server", ticks: 100 }]]);
    const after = new Map([
      [1, { kind: "server", ticks: 350 }],
      [2, { kind: "postgresql", ticks: 120 }],
      [3, { kind: "postgresql", ticks: 30 }],
    ]);
    expect(cpuSplit(before, after)).toEqual({ server: 2.5, postgresql: 1.5 });
    const renamed = cpuSplit(before, after, new Map([[3, "postgresql (mockpay)"]]));
    expect(renamed).toEqual({ server: 2.5, postgresql: 1.2, "postgresql (mockpay)": 0.3 });
  });

  it("tells the shop's CPU per op from the provider's, leaving the load generators out", () => {
    const split = {
      server: 2,
      workers: 0.5,
      postgresql: 1,
      redis: 0.5,
      mockpay: 1.5,
      "postgresql (mockpay)": 0.5,
      generators: 9,
    };
    expect(shopAndProvider(split, 1_000)).toEqual({ shopMs: 4, providerMs: 2 });
    expect(shopAndProvider(split, 0)).toEqual({ shopMs: 0, providerMs: 0 });
  });

  it("counts the cores a phase kept busy, the stack apart from the generators", () => {
    expect(coresUsed({ server: 4, postgresql: 2, generators: 3 }, 5)).toEqual({ stack: 1.2, generators: 0.6 });
    expect(coresUsed({ server: 4 }, 0)).toEqual({ stack: 0, generators: 0 });
  });
});
