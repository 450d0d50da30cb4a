// `npm run chaos -- --seed N [--quick] [--fans N]`: a seeded flash sale under faults, against its
// own redis-server and PostgreSQL cluster on spare ports (never the shared ones): two server
// processes behind one address, two workers processes, MockPay's webhook chaos on, a crowd through
// the real HTTP + Socket.IO flow (20 % abandon their hold, 10 % decline, 10 % pay after expiry, a
// quarter double-click), and at seeded moments kill -9 of a server and of a workers process
// (replaced), a Redis restart and a PostgreSQL restart (-m immediate). The invariants I1–I4 are
// sampled all along and checked at rest. The same seed gives the same schedule and the same fans'
// decisions (not the same interleaving: that is the point of running several seeds).
// --quick (or CHAOS_QUICK=1): 60 fans over 12 s. Exit 0 when nothing was violated, 1 otherwise,
// 2 on bad arguments.
import { fullSize, makePlan, planLines, quickSize } from "./plan.js";
import { runChaos } from "./run.js";
import { failures, summaryLines } from "./summary.js";

const usage = "usage: npm run chaos -- [--seed <integer>] [--quick] [--fans <10..2000>]";

function parseArgs(argv: string[], quickEnv: boolean): { seed: number; quick: boolean; fans: number | null } {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? undefined : argv[i + 1];
  };
  for (const [i, a] of argv.entries()) {
    if (a.startsWith("--") && !["--seed", "--quick", "--fans"].includes(a)) throw new Error(`unknown argument ${a}`);
    if (!a.startsWith("--") && !["--seed", "--fans"].includes(argv[i - 1] ?? "")) throw new Error(`unexpected ${a}`);
  }
  const rawSeed = value("seed");
  const seed = rawSeed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(rawSeed);
  if (!Number.isSafeInteger(seed)) throw new Error("--seed must be an integer");
  const rawFans = value("fans");
  const fans = rawFans === undefined ? null : Number(rawFans);
  const badFans = fans !== null && (!Number.isInteger(fans) || fans < 10 || fans > 2_000);
  if (badFans) throw new Error("--fans must be a whole number from 10 to 2000");
  return { seed: seed | 0, quick: argv.includes("--quick") || quickEnv, fans };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), ["1", "true"].includes(process.env.CHAOS_QUICK ?? ""));
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  const base = args.quick ? quickSize : fullSize;
  const size =
    args.fans === null
      ? base
      : { ...base, fans: args.fans, arrivalMs: Math.round((base.arrivalMs * args.fans) / base.fans) };
  const plan = makePlan(args.seed, size, args.quick);
  for (const line of planLines(plan)) console.log(line);
  // Ctrl-C or a kill must not leave the run's PostgreSQL cluster, redis-server and processes behind.
  const result = await runChaos(
    plan,
    args.quick ? 45_000 : 120_000,
    (line) => console.log(line),
    (close) => {
      const onSignal = (signal: NodeJS.Signals) => {
        console.log(`chaos: ${signal}: stopping the run's processes, Redis and PostgreSQL…`);
        void close().finally(() => process.exit(130));
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
    },
  );
  for (const line of summaryLines(result)) console.log(line);
  return failures(result).length === 0 ? 0 : 1;
}

process.exit(
  await main().catch((err: unknown) => {
    console.error(err);
    return 2;
  }),
);
