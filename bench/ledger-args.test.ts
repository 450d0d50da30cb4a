// Goal: `npm run bench -- ledger` keeps the PostgreSQL ledger by default, takes
// `--ledger tigerbeetle` only with TB_ADDRESS (refused, with the way to fix it, before anything is
// set up), and refuses a backend it does not know.
import { describe, expect, it } from "vitest";
import { BenchUsageError, parseArgs } from "./ledger.js";

describe("bench ledger --ledger", () => {
  it("defaults to the PostgreSQL ledger, with or without TB_ADDRESS", () => {
    expect(parseArgs([], {}).ledger).toBe("postgres");
    expect(parseArgs(["--seconds", "2"], { TB_ADDRESS: "127.0.0.1:3000" })).toMatchObject({
      ledger: "postgres",
      seconds: 2,
    });
  });

  it("takes tigerbeetle when TB_ADDRESS names the cluster", () => {
    const config = parseArgs(["--ledger", "tigerbeetle", "--concurrency", "1,10"], { TB_ADDRESS: "127.0.0.1:3000" });
    expect(config).toMatchObject({ ledger: "tigerbeetle", concurrency: [1, 10] });
  });

  it("refuses tigerbeetle without TB_ADDRESS, and an unknown backend", () => {
    for (const env of [{}, { TB_ADDRESS: "" }]) {
      expect(() => parseArgs(["--ledger", "tigerbeetle"], env)).toThrow(BenchUsageError);
      expect(() => parseArgs(["--ledger", "tigerbeetle"], env)).toThrow(/needs TB_ADDRESS/);
    }
    expect(() => parseArgs(["--ledger", "mongo"], {})).toThrow(/mongo is not one of postgres, tigerbeetle/);
  });
});
