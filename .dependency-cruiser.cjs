// The import rules `npm run deps` enforces (dependency-cruiser): no cycles, type imports and
// .svelte files included, and the directions the packages depend in — shared depends on none of
// the others (its ports import types only), the client on no server code, the server on no
// workers code, the server's adapters on nothing above them, its services on neither edge (http/,
// realtime/) nor the wiring (composition/, app.ts, main.ts), no SQL above the repositories (services,
// routes and socket handlers never import pg or the pool), its edges not on the wiring, the
// workers on none of the server's services, edges and wiring (they run shared's core on the
// adapters), and nothing outside the tests on a test file.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle: one of these modules should not know the other (move what both need into a third).",
      from: {},
      to: { circular: true },
    },
    {
      name: "shared-stands-alone",
      severity: "error",
      comment: "shared/ is what every process and the browser use: it imports nothing of theirs.",
      from: { path: "^shared/src/" },
      to: { path: "^(server|workers|client|bench)/" },
    },
    {
      name: "client-no-server-code",
      severity: "error",
      comment: "The browser's code speaks to the server through the contract (shared/), never its modules.",
      from: { path: "^client/src/" },
      to: { path: "^(server|workers)/" },
    },
    {
      name: "server-no-workers-code",
      severity: "error",
      comment: "The workers process is started beside the server, never imported by it.",
      from: { path: "^server/src/" },
      to: { path: "^workers/" },
    },
    {
      name: "adapters-stay-below",
      severity: "error",
      comment:
        "An adapter speaks to Redis, PostgreSQL or the ledger; it knows nothing of HTTP, sockets or the services above it.",
      from: { path: "^server/src/adapters/" },
      to: { path: "^server/src/(http|services|realtime|composition|mockpay|app[.]ts|main[.]ts)" },
    },
    {
      name: "services-below-the-edges",
      severity: "error",
      comment:
        "A service does the domain work and throws DomainError; it knows nothing of HTTP, sockets or the wiring that builds it.",
      from: { path: "^server/src/services/" },
      to: { path: "^server/src/(http/|realtime/|composition/|app[.]ts$|main[.]ts$)" },
    },
    {
      name: "repositories-own-sql",
      severity: "error",
      comment:
        "SQL lives in the repositories (server/src/adapters/postgres): services, routes and socket handlers never hold " +
        "a connection or the pool; writes that commit together pass a Tx (shared/src/ports/transaction.ts).",
      // Their integration tests may: they arrange the world in the database before the service runs.
      from: { path: "^server/src/(services|http|realtime)/", pathNot: "[.]test[.]ts$" },
      to: { path: "(^server/src/adapters/postgres/(pool|batched)[.]ts$|(^|/)node_modules/pg/)" },
    },
    {
      name: "http-not-composition",
      severity: "error",
      comment:
        "The edges (routes, guards, socket handlers) are given what they need; they never reach into the wiring.",
      from: { path: "^server/src/(http|realtime)/" },
      to: { path: "^server/src/(composition/|app[.]ts$|main[.]ts$)" },
    },
    {
      name: "workers-not-server-edges",
      severity: "error",
      comment:
        "The workers run jobs on shared/'s core and ports and the adapters they need: never the server's services, edges or wiring.",
      from: { path: "^workers/src/" },
      to: { path: "^server/src/(services/|http/|realtime/|composition/|app[.]ts$|main[.]ts$)" },
    },
    {
      name: "ports-are-contracts",
      severity: "error",
      comment: "A port in shared/src/ports is an interface the adapters implement: it names types, never code.",
      from: { path: "^shared/src/ports/" },
      to: { dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-test-code-in-production",
      severity: "error",
      comment: "Production code never imports a test file or a test folder.",
      from: { path: "^(shared|server|workers|client)/src/", pathNot: "[.]test[.]ts$" },
      to: { path: "([.]test[.]ts$|^(shared|server|client)/test/)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // node_modules stay in the graph as leaves (doNotFollow), so a rule can name a package (pg).
    exclude: { path: "(^|/)dist/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "types", "node", "default"],
      extensions: [".ts", ".js", ".svelte", ".d.ts"],
    },
  },
};
