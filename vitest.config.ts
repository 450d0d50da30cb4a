// Three places hold tests: unit tests beside the code (x.ts + x.test.ts), conformance suites per
// port, and end-to-end tests with real processes under server/test and client/test. Everything
// runs against the real Redis and PostgreSQL; each test file isolates itself (own database,
// own key prefix).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Two test files at a time, on any machine: most of a file's time is spent waiting on the
    // processes, databases and browsers it drives (vitest's default on two cores is one), and each
    // end-to-end file's stack opens tens of PostgreSQL connections (max_connections is 100).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "node",
          include: [
            "shared/src/**/*.test.ts",
            "server/src/**/*.test.ts",
            "workers/src/**/*.test.ts",
            "server/test/**/*.test.ts",
            "client/test/**/*.test.ts",
            "bench/**/*.test.ts",
          ],
          environment: "node",
          pool: "forks",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      "client/vitest.config.ts",
    ],
  },
});
