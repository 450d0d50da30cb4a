// `npm run bench -- all`: every benchmark in sequence, each in a process of its own with a time
// bound (a scenario that overruns is killed and reported, the next one still runs). Flags after
// `all` are not passed on: each scenario runs with its defaults.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** One scenario may take this long (prepare + calibration + run + teardown) before it is killed. */
const scenarioSecondsMax = 600;
const scenarios = ["ledger", "holds", "last-ticket", "purchase", "joins", "sockets", "flash-sale", "overload"];

function runOne(name: string): Promise<{ name: string; code: number | null; seconds: number }> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./run.ts", import.meta.url)), name],
    { stdio: "inherit" },
  );
  const timer = setTimeout(() => {
    console.error(`\n${name}: over ${scenarioSecondsMax} s, killed`);
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  }, scenarioSecondsMax * 1_000);
  return new Promise((resolve) =>
    child.once(
      "exit",
      (code) => (clearTimeout(timer), resolve({ name, code, seconds: Math.round((Date.now() - started) / 1_000) })),
    ),
  );
}

export async function run(args: string[]): Promise<void> {
  const only = args.length > 0 ? scenarios.filter((s) => args.includes(s)) : scenarios;
  const outcomes = [];
  for (const name of only) outcomes.push(await runOne(name));
  const rows = outcomes.map((o) => `| ${o.name} | ${o.code} | ${o.seconds} |`);
  console.log(["", "## all", "", "| scenario | exit | seconds |", "| --- | --- | --- |", ...rows].join("\n"));
  if (outcomes.some((o) => o.code !== 0)) process.exitCode = 1;
}
