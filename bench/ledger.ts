// Benchmark `ledger`: holds per second straight into the PostgreSQL ledger through the
// auto-batcher, closed loop at concurrency 1/10/100/1000 on one hot tier (stock ≫ requests).
// Three shapes of hold, each the real plan from shared/src/core/ledger-plans.ts:
//   first  — a fan's first hold: createAccounts([allowance]) then [fund allowance, allowance
//            pending, tier pending] (4 events, 2 calls) — the flash-sale shape, one hold per fan;
//   repeat — a fan who holds again: the same 3 transfers, the funding answers `exists`;
//   tier   — the tier's pending transfer alone (1 event): the bare stock check, for comparison.
// Calibration: `SELECT 1` round trips per second on the same pool at the same concurrency, so a
// figure reads as a fraction of what this box does at all. Own temporary database, dropped after.
//   npm run bench -- ledger [--seconds 5] [--holds-max 300000] [--concurrency 1,10,100,1000] [--shapes first,repeat,tier]
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { accountId } from "@stampede/shared/core/ledger-ids";
import {
  holdOutcome,
  inventoryFromAccount,
  planEventSetup,
  planHold,
  type HoldPlan,
} from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import {
  ledgerBatchTransfersMax,
  ledgerBatchWaitMs,
  ledgerBatchesInFlightMax,
  ledgerPoolConnectionsMax,
} from "@stampede/shared/limits";
import type { Ledger } from "@stampede/shared/ledger/port";
import { createLedger } from "@stampede/server/adapters/ledger";
import { dropDatabase, ensureDatabase } from "@stampede/server/adapters/postgres/database";
import { migrate } from "@stampede/server/adapters/postgres/migrate";
import { createPool, type Pool } from "@stampede/server/adapters/postgres/pool";

const shapes = ["first", "repeat", "tier"] as const;
type Shape = (typeof shapes)[number];

interface Config {
  seconds: number;
  warmupSeconds: number;
  calibrationSeconds: number;
  holdsMax: number;
  concurrency: number[];
  shapes: Shape[];
  poolConnections: number;
}

interface Figure {
  shape: Shape;
  concurrency: number;
  holds: number;
  seconds: number;
  holdsPerSecond: number;
  batches: number;
  meanBatchEvents: number;
  meanBatchHolds: number;
  p50Ms: number;
  p99Ms: number;
  calibrationRoundTripsPerSecond: number;
  holdsPerRoundTrip: number;
}

const ledgerNumber = 1;
const tierId = "hot";
const eventsPerHold: Record<Shape, number> = { first: 3, repeat: 3, tier: 1 }; // transfers per hold

function parseArgs(args: string[]): Config {
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i === -1 ? undefined : args[i + 1];
  };
  return {
    seconds: Number(get("--seconds") ?? 5),
    warmupSeconds: 1,
    calibrationSeconds: 2,
    holdsMax: Number(get("--holds-max") ?? 300_000),
    concurrency: (get("--concurrency") ?? "1,10,100,1000").split(",").map(Number),
    shapes: (get("--shapes") ?? shapes.join(","))
      .split(",")
      .filter((s): s is Shape => (shapes as readonly string[]).includes(s)),
    poolConnections: ledgerPoolConnectionsMax,
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Runs `op` in `concurrency` closed loops until `seconds` pass or `max` ops are done; returns latencies (ms). */
async function closedLoop(
  concurrency: number,
  seconds: number,
  max: number,
  op: (worker: number) => Promise<void>,
): Promise<{ latencies: Float64Array; elapsed: number }> {
  const latencies = new Float64Array(max);
  let done = 0;
  const started = performance.now();
  const stopAt = started + seconds * 1_000;
  const worker = async (w: number) => {
    while (done < max && performance.now() < stopAt) {
      const t = performance.now();
      await op(w);
      if (done < max) latencies[done++] = performance.now() - t;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { latencies: latencies.slice(0, done).sort(), elapsed: (performance.now() - started) / 1_000 };
}

function plan(fanId: string): HoldPlan {
  return planHold({
    ledger: ledgerNumber,
    holdId: uuidv7(),
    fanId,
    perFanMax: 1_000_000_000,
    holdSeconds: 3_600,
    items: [{ tierId, quantity: 1 }],
  });
}

/** One hold of the given shape; asserts it was placed (stock ≫ requests, so anything else is a bug). */
function holdOp(ledger: Ledger, shape: Shape, level: number): (worker: number) => Promise<void> {
  let fans = 0;
  return async (w) => {
    const p = plan(shape === "first" ? `first-${level}-${fans++}` : `repeat-${level}-${w}`);
    if (shape === "first") await ledger.createAccounts(p.accounts);
    const transfers = shape === "tier" ? [{ ...p.transfers[2]!, flags: p.transfers[2]!.flags & ~1 }] : p.transfers;
    const results = await ledger.createTransfers(transfers);
    const ok = shape === "tier" ? results[0]!.status === 0xffffffff : holdOutcome(p, results).kind === "placed";
    if (!ok) throw new Error(`${shape} hold not placed: ${JSON.stringify(results.map((r) => r.status))}`);
  };
}

async function measure(
  ledger: Ledger,
  pool: Pool,
  batches: { count: number; events: number },
  shape: Shape,
  concurrency: number,
  calibration: number,
  config: Config,
): Promise<Figure> {
  if (shape === "repeat") {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        const p = plan(`repeat-${concurrency}-${w}`);
        await ledger.createAccounts(p.accounts);
        await ledger.createTransfers(p.transfers);
      }),
    );
  }
  const op = holdOp(ledger, shape, concurrency);
  await closedLoop(concurrency, config.warmupSeconds, config.holdsMax, op);
  Object.assign(batches, { count: 0, events: 0 });
  const run = await closedLoop(concurrency, config.seconds, config.holdsMax, op);
  const { count, events } = batches;
  const holdsPerSecond = run.latencies.length / run.elapsed;
  return {
    shape,
    concurrency,
    holds: run.latencies.length,
    seconds: round(run.elapsed, 2),
    holdsPerSecond: Math.round(holdsPerSecond),
    batches: count,
    meanBatchEvents: round(events / Math.max(1, count), 1),
    meanBatchHolds: round(events / eventsPerHold[shape] / Math.max(1, count), 1),
    p50Ms: round(percentile(run.latencies, 50), 2),
    p99Ms: round(percentile(run.latencies, 99), 2),
    calibrationRoundTripsPerSecond: Math.round(calibration),
    holdsPerRoundTrip: round(holdsPerSecond / calibration, 2),
  };
}

function table(figures: Figure[]): string {
  const head =
    "| hold | concurrency | holds/s | mean batch (holds) | p50 ms | p99 ms | SELECT 1 round trips/s | holds per round trip |";
  const rows = figures.map((f) => {
    const cells = [f.shape, f.concurrency, f.holdsPerSecond, f.meanBatchHolds, f.p50Ms, f.p99Ms];
    return `| ${[...cells, f.calibrationRoundTripsPerSecond, f.holdsPerRoundTrip].join(" | ")} |`;
  });
  return [head, "| --- | --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

async function machine(pool: Pool) {
  const postgres = (await pool.query<{ version: string }>("SELECT version()")).rows[0]!.version;
  return {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryBytes: os.totalmem(),
      platform: `${os.platform()} ${os.release()}`,
      loadAverage1mAtStart: os.loadavg()[0],
    },
    versions: { node: process.version, postgres },
  };
}

export async function run(args: string[]): Promise<void> {
  const config = parseArgs(args);
  const base = new URL(process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  base.pathname = `/stampede_bench_${Date.now().toString(36)}`;
  const url = base.toString();
  await ensureDatabase(url);
  await migrate(url);
  const pool = createPool(url, { max: config.poolConnections, statementTimeoutMs: 10_000 });
  const batches = { count: 0, events: 0 };
  const ledger = createLedger("postgres", {
    pool,
    onBatch: (events) => ((batches.count += 1), (batches.events += events)),
  });
  try {
    const startedAt = new Date().toISOString();
    const env = await machine(pool);
    const setup = planEventSetup({ ledger: ledgerNumber, tiers: [{ tierId, capacity: 1_000_000_000_000 }], perks: [] });
    await ledger.createAccounts(setup.accounts);
    await ledger.createTransfers(setup.transfers);
    const figures: Figure[] = [];
    for (const concurrency of config.concurrency) {
      const cal = await closedLoop(
        concurrency,
        config.calibrationSeconds,
        10_000_000,
        async () => void (await pool.query("SELECT 1")),
      );
      for (const shape of config.shapes)
        figures.push(
          await measure(ledger, pool, batches, shape, concurrency, cal.latencies.length / cal.elapsed, config),
        );
    }
    const [budget] = await ledger.lookupAccounts([accountId("budget", ledgerNumber, tierId)]);
    const inventory = inventoryFromAccount(budget!);
    if (inventory.available + inventory.held + inventory.sold !== inventory.capacity)
      throw new Error("I1 broken after the benchmark");
    const result = {
      name: "ledger",
      startedAt,
      ...env,
      config: {
        ...config,
        eventsPerHold,
        batchTransfersMax: ledgerBatchTransfersMax,
        batchWaitMs: ledgerBatchWaitMs,
        batchesInFlightMax: ledgerBatchesInFlightMax,
      },
      figures,
      inventoryAfter: inventory,
    };
    const dir = fileURLToPath(new URL("./results/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}${startedAt.replaceAll(":", "-")}-ledger.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    const load = env.machine.loadAverage1mAtStart?.toFixed(2);
    const title = `holds into the PostgreSQL ledger through the auto-batcher, ${config.seconds} s per cell`;
    console.log(`\n## ledger — ${title} (load average at start ${load})\n\n${table(figures)}\n\nwritten: ${file}`);
  } finally {
    await ledger.close();
    await pool.end();
    await dropDatabase(url);
  }
}
