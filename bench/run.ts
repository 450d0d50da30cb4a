// The benchmark dispatcher: `npm run bench -- <name> [options]` runs one benchmark program.
// Each writes bench/results/<ISO timestamp>-<name>.json and prints a Markdown table.
const benches: Record<string, { about: string; load: () => Promise<{ run(args: string[]): Promise<void> }> }> = {
  ledger: { about: "holds/s straight into the PostgreSQL ledger through the auto-batcher", load: () => import("./ledger.js") },
};

const [name, ...args] = process.argv.slice(2);
const bench = name === undefined ? undefined : benches[name];
if (bench === undefined) {
  console.error(`usage: npm run bench -- <name> [options]\n\nbenchmarks:\n${Object.entries(benches).map(([n, b]) => `  ${n.padEnd(12)} ${b.about}`).join("\n")}`);
  process.exit(2);
}
await (await bench.load()).run(args);
