// The benchmark dispatcher: `npm run bench -- <name> [options]` runs one benchmark program;
// `npm run bench` with no name runs them all (`all`).
// Each writes bench/results/<ISO timestamp>-<name>.json and prints a Markdown table.
const benches: Record<string, { about: string; load: () => Promise<{ run(args: string[]): Promise<void> }> }> = {
  ledger: {
    about: "holds/s straight into the PostgreSQL ledger through the auto-batcher (--ledger tigerbeetle: TB_ADDRESS)",
    load: () => import("./ledger.js"),
  },
  holds: { about: "hold placement only over HTTP, concurrency 200, one hot tier", load: () => import("./holds.js") },
  "last-ticket": { about: "10,000 concurrent hold attempts for 1,000 tickets", load: () => import("./last-ticket.js") },
  purchase: {
    about: "hold → MockPay → webhook → paid, closed loop at concurrency 30 and 200",
    load: () => import("./purchase.js"),
  },
  joins: { about: "queue:join on connected sockets and REST joins", load: () => import("./joins.js") },
  sockets: {
    about: "N idle waiting-room sockets: connect rate, memory, delivery, push latency",
    load: () => import("./sockets.js"),
  },
  "flash-sale": {
    about: "a lottery flash sale: 1,300 tickets in 3 tiers, abandon/decline/late pay",
    load: () => import("./flash-sale.js"),
  },
  overload: {
    about: "fans arriving at 10× the checkout's measured capacity, admission auto",
    load: () => import("./overload.js"),
  },
  challenge: {
    about: "bot defence: proof-of-work solve time in Chromium (CPU throttled 4×) and server verifications/s",
    load: () => import("./challenge.js"),
  },
  all: { about: "every benchmark in sequence, each bounded in time", load: () => import("./all.js") },
};

const [name = "all", ...args] = process.argv.slice(2);
const bench = benches[name];
if (bench === undefined) {
  console.error(
    `usage: npm run bench -- <name> [options]\n\nbenchmarks:\n${Object.entries(benches)
      .map(([n, b]) => `  ${n.padEnd(12)} ${b.about}`)
      .join("\n")}`,
  );
  process.exit(2);
}
await (await bench.load()).run(args);
