// Benchmark `ledger`: holds per second straight into the PostgreSQL ledger through the
// auto-batcher, closed loop at concurrency 1/10/100/1000 on one hot tier (stock ≫ requests).
// A hold is the real plan: [fund allowance (exists), allowance pending, tier pending] — three
// transfers, the last two a linked chain. Each fan's allowance is created before the timed phase.
// Calibration: `SELECT 1` round trips per second on the same pool at the same concurrency, so a
// figure reads as a fraction of what this box does at all. Own temporary database, dropped after.
//   npm run bench -- ledger [--seconds 5] [--holds-max 300000] [--concurrency 1,10,100,1000]
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { accountId } from "@stampede/shared/core/ledger-ids";
import { holdOutcome, inventoryFromAccount, planEventSetup, planHold } from "@stampede/shared/core/ledger-plans";
import { uuidv7 } from "@stampede/shared/ids";
import { ledgerBatchTransfersMax, ledgerBatchWaitMs, ledgerBatchesInFlightMax, ledgerPoolConnectionsMax } from "@stampede/shared/limits";
import type { Ledger } from "@stampede/shared/ledger/port";
import { createLedger } from "@stampede/server/adapters/ledger";
import { dropDatabase, ensureDatabase } from "@stampede/server/adapters/postgres/database";
import { migrate } from "@stampede/server/adapters/postgres/migrate";
import { createPool, type Pool } from "@stampede/server/adapters/postgres/pool";

interface Config {
  seconds: number;
  warmupSeconds: number;
  calibrationSeconds: number;
  holdsMax: number;
  concurrency: number[];
  poolConnections: number;
}

interface Figure {
  concurrency: number;
  holds: number;
  seconds: number;
  holdsPerSecond: number;
  batches: number;
  meanBatchTransfers: number;
  meanBatchHolds: number;
  p50Ms: number;
  p99Ms: number;
  calibrationRoundTripsPerSecond: number;
  holdsPerRoundTrip: number;
}

const ledgerNumber = 1;
const tierId = "hot";
const transfersPerHold = 3;

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
    poolConnections: ledgerPoolConnectionsMax,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `op` in `concurrency` closed loops until `seconds` pass or `max` ops are done; returns latencies (ms). */
async function closedLoop(concurrency: number, seconds: number, max: number, op: (worker: number) => Promise<void>): Promise<{ latencies: Float64Array; elapsed: number }> {
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

async function prepareFans(ledger: Ledger, count: number, offset: number): Promise<void> {
  for (let start = 0; start < count; start += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - start) }, async (_, i) => {
        const plan = planHold({ ledger: ledgerNumber, holdId: uuidv7(), fanId: `fan-${offset + start + i}`, perFanMax: 1_000_000_000, holdSeconds: 3_600, items: [{ tierId, quantity: 1 }] });
        await ledger.createAccounts(plan.accounts);
        const outcome = holdOutcome(plan, await ledger.createTransfers(plan.transfers));
        if (outcome.kind !== "placed") throw new Error(`fan preparation failed: ${JSON.stringify(outcome)}`);
      }),
    );
  }
}

async function measureLevel(ledger: Ledger, pool: Pool, batches: { count: number; events: number }, concurrency: number, offset: number, config: Config): Promise<Figure> {
  await prepareFans(ledger, concurrency, offset);
  const hold = async (w: number) => {
    const plan = planHold({ ledger: ledgerNumber, holdId: uuidv7(), fanId: `fan-${offset + w}`, perFanMax: 1_000_000_000, holdSeconds: 3_600, items: [{ tierId, quantity: 1 }] });
    const outcome = holdOutcome(plan, await ledger.createTransfers(plan.transfers));
    if (outcome.kind !== "placed") throw new Error(`hold failed: ${JSON.stringify(outcome)}`);
  };
  await closedLoop(concurrency, config.warmupSeconds, config.holdsMax, hold);
  batches.count = 0;
  batches.events = 0;
  const run = await closedLoop(concurrency, config.seconds, config.holdsMax, hold);
  const { count, events } = batches;
  const calibration = await closedLoop(concurrency, config.calibrationSeconds, 10_000_000, async () => {
    await pool.query("SELECT 1");
  });
  const holdsPerSecond = run.latencies.length / run.elapsed;
  const roundTrips = calibration.latencies.length / calibration.elapsed;
  return {
    concurrency,
    holds: run.latencies.length,
    seconds: round(run.elapsed, 2),
    holdsPerSecond: Math.round(holdsPerSecond),
    batches: count,
    meanBatchTransfers: round(events / Math.max(1, count), 1),
    meanBatchHolds: round(events / transfersPerHold / Math.max(1, count), 1),
    p50Ms: round(percentile(run.latencies, 50), 2),
    p99Ms: round(percentile(run.latencies, 99), 2),
    calibrationRoundTripsPerSecond: Math.round(roundTrips),
    holdsPerRoundTrip: round(holdsPerSecond / roundTrips, 2),
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function table(figures: Figure[]): string {
  const head = "| concurrency | holds/s | mean batch (holds) | p50 ms | p99 ms | SELECT 1 round trips/s | holds per round trip |";
  const rows = figures.map((f) => `| ${f.concurrency} | ${f.holdsPerSecond} | ${f.meanBatchHolds} | ${f.p50Ms} | ${f.p99Ms} | ${f.calibrationRoundTripsPerSecond} | ${f.holdsPerRoundTrip} |`);
  return [head, "| --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
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
  const ledger = createLedger("postgres", { pool, onBatch: (events) => ((batches.count += 1), (batches.events += events)) });
  try {
    const setup = planEventSetup({ ledger: ledgerNumber, tiers: [{ tierId, capacity: 1_000_000_000_000 }], perks: [] });
    await ledger.createAccounts(setup.accounts);
    await ledger.createTransfers(setup.transfers);
    const figures: Figure[] = [];
    let offset = 0;
    for (const concurrency of config.concurrency) {
      figures.push(await measureLevel(ledger, pool, batches, concurrency, offset, config));
      offset += concurrency;
    }
    const [budget] = await ledger.lookupAccounts([accountId("budget", ledgerNumber, tierId)]);
    const inventory = inventoryFromAccount(budget!);
    if (inventory.available + inventory.held + inventory.sold !== inventory.capacity) throw new Error("I1 broken");
    const postgres = (await pool.query<{ version: string }>("SELECT version()")).rows[0]!.version;
    const result = {
      name: "ledger",
      startedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), platform: `${os.platform()} ${os.release()}` },
      versions: { node: process.version, postgres },
      config: { ...config, transfersPerHold, batchTransfersMax: ledgerBatchTransfersMax, batchWaitMs: ledgerBatchWaitMs, batchesInFlightMax: ledgerBatchesInFlightMax },
      figures,
      inventoryAfter: inventory,
    };
    const dir = fileURLToPath(new URL("./results/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}${result.startedAt.replaceAll(":", "-")}-ledger.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n## ledger — holds into the PostgreSQL ledger (auto-batcher), ${config.seconds} s per level\n\n${table(figures)}\n\nwritten: ${file}`);
  } finally {
    await ledger.close();
    await pool.end();
    await dropDatabase(url);
  }
}
