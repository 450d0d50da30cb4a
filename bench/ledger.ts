// Benchmark `ledger`: holds per second straight into the ledger — the PostgreSQL ledger through its
// auto-batcher (default), or a TigerBeetle cluster (`--ledger tigerbeetle`, at TB_ADDRESS /
// TB_CLUSTER_ID) — closed loop at concurrency 1/10/100/1000 on one hot tier (stock ≫ requests).
// Three shapes of hold, each the real plan from shared/src/core/ledger-plans.ts:
//   first  — a fan's first hold: createAccounts([allowance]) then [fund allowance, allowance
//            pending, tier pending] (4 events, 2 calls) — the flash-sale shape, one hold per fan;
//   repeat — a fan who holds again: the same 3 transfers, the funding answers `exists`;
//   tier   — the tier's pending transfer alone (1 event): the bare stock check, for comparison.
// Calibration: the backend's cheapest round trip per second at the same concurrency, so a figure
// reads as a fraction of what this box does at all — PostgreSQL: `SELECT 1` on the same pool (own
// temporary database, dropped after); TigerBeetle: a one-account lookup on the same client (the
// cluster keeps its data, so each run uses a ledger number of its own; the client batches by
// itself, so there are no batch figures). A TigerBeetle run is written as `ledger-tigerbeetle`,
// apart from the PostgreSQL runs.
//   npm run bench -- ledger [--ledger postgres|tigerbeetle] [--seconds 5] [--holds-max 300000]
//                           [--concurrency 1,10,100,1000] [--shapes first,repeat,tier]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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
import { createPool } from "@stampede/server/adapters/postgres/pool";

const shapes = ["first", "repeat", "tier"] as const;
type Shape = (typeof shapes)[number];
const backends = ["postgres", "tigerbeetle"] as const;
type BackendKind = (typeof backends)[number];

interface Config {
  ledger: BackendKind;
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
  /** Null on TigerBeetle: its client batches inside, out of sight. */
  batches: number | null;
  meanBatchEvents: number | null;
  meanBatchHolds: number | null;
  p50Ms: number;
  p99Ms: number;
  calibrationRoundTripsPerSecond: number;
  holdsPerRoundTrip: number;
}

/** One ledger under test: the ledger, its cheapest round trip (the calibration), its batch counter. */
interface Backend {
  ledger: Ledger;
  /** The ledger number this run's accounts live on. */
  ledgerNumber: number;
  /** What the calibration measures, for the table's header. */
  roundTrip: string;
  roundTripOp: () => Promise<void>;
  /** Batches seen by the auto-batcher since the last reset, or null when the backend hides them. */
  batches: { count: number; events: number } | null;
  versions: Record<string, string | null>;
  title: string;
  close(): Promise<void>;
}

const tierId = "hot";
const eventsPerHold: Record<Shape, number> = { first: 3, repeat: 3, tier: 1 }; // transfers per hold

/** `--ledger tigerbeetle` without TB_ADDRESS: refused before anything is set up. */
export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}

export function parseArgs(args: string[], env: NodeJS.ProcessEnv = process.env): Config {
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i === -1 ? undefined : args[i + 1];
  };
  const ledger = get("--ledger") ?? "postgres";
  if (!(backends as readonly string[]).includes(ledger)) {
    throw new BenchUsageError(`--ledger: ${ledger} is not one of ${backends.join(", ")}`);
  }
  if (ledger === "tigerbeetle" && !env.TB_ADDRESS) {
    throw new BenchUsageError(
      "--ledger tigerbeetle needs TB_ADDRESS: the cluster's replica addresses as IP:port, comma-separated " +
        "(and TB_CLUSTER_ID if not 0), e.g. TB_ADDRESS=127.0.0.1:3000 npm run bench -- ledger --ledger tigerbeetle",
    );
  }
  return {
    ledger: ledger as BackendKind,
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

function plan(ledgerNumber: number, fanId: string): HoldPlan {
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
function holdOp(backend: Backend, shape: Shape, level: number): (worker: number) => Promise<void> {
  const { ledger, ledgerNumber } = backend;
  let fans = 0;
  return async (w) => {
    const p = plan(ledgerNumber, shape === "first" ? `first-${level}-${fans++}` : `repeat-${level}-${w}`);
    if (shape === "first") await ledger.createAccounts(p.accounts);
    const transfers = shape === "tier" ? [{ ...p.transfers[2]!, flags: p.transfers[2]!.flags & ~1 }] : p.transfers;
    const results = await ledger.createTransfers(transfers);
    const ok = shape === "tier" ? results[0]!.status === 0xffffffff : holdOutcome(p, results).kind === "placed";
    if (!ok) throw new Error(`${shape} hold not placed: ${JSON.stringify(results.map((r) => r.status))}`);
  };
}

async function measure(
  backend: Backend,
  shape: Shape,
  concurrency: number,
  calibration: number,
  config: Config,
): Promise<Figure> {
  if (shape === "repeat") {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        const p = plan(backend.ledgerNumber, `repeat-${concurrency}-${w}`);
        await backend.ledger.createAccounts(p.accounts);
        await backend.ledger.createTransfers(p.transfers);
      }),
    );
  }
  const op = holdOp(backend, shape, concurrency);
  await closedLoop(concurrency, config.warmupSeconds, config.holdsMax, op);
  const batches = backend.batches;
  if (batches !== null) Object.assign(batches, { count: 0, events: 0 });
  const run = await closedLoop(concurrency, config.seconds, config.holdsMax, op);
  const mean = (events: number, count: number) => round(events / Math.max(1, count), 1);
  const holdsPerSecond = run.latencies.length / run.elapsed;
  return {
    shape,
    concurrency,
    holds: run.latencies.length,
    seconds: round(run.elapsed, 2),
    holdsPerSecond: Math.round(holdsPerSecond),
    batches: batches === null ? null : batches.count,
    meanBatchEvents: batches === null ? null : mean(batches.events, batches.count),
    meanBatchHolds: batches === null ? null : mean(batches.events / eventsPerHold[shape], batches.count),
    p50Ms: round(percentile(run.latencies, 50), 2),
    p99Ms: round(percentile(run.latencies, 99), 2),
    calibrationRoundTripsPerSecond: Math.round(calibration),
    holdsPerRoundTrip: round(holdsPerSecond / calibration, 2),
  };
}

function table(figures: Figure[], roundTrip: string): string {
  const columns = ["hold", "concurrency", "holds/s", "mean batch (holds)", "p50 ms", "p99 ms"];
  const head = `| ${[...columns, `${roundTrip} round trips/s`, "holds per round trip"].join(" | ")} |`;
  const rows = figures.map((f) => {
    const cells = [f.shape, f.concurrency, f.holdsPerSecond, f.meanBatchHolds ?? "—", f.p50Ms, f.p99Ms];
    return `| ${[...cells, f.calibrationRoundTripsPerSecond, f.holdsPerRoundTrip].join(" | ")} |`;
  });
  return [head, "| --- | --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()}`,
    loadAverage1mAtStart: os.loadavg()[0],
  };
}

/** The PostgreSQL ledger on a temporary database of its own, through the auto-batcher. */
async function postgresBackend(config: Config): Promise<Backend> {
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
  const postgres = (await pool.query<{ version: string }>("SELECT version()")).rows[0]!.version;
  return {
    ledger,
    ledgerNumber: 1,
    roundTrip: "SELECT 1",
    roundTripOp: async () => void (await pool.query("SELECT 1")),
    batches,
    versions: { postgres },
    title: "holds into the PostgreSQL ledger through the auto-batcher",
    close: async () => {
      await ledger.close();
      await pool.end();
      await dropDatabase(url);
    },
  };
}

/** A TigerBeetle cluster at TB_ADDRESS, through the adapter (one client; it batches by itself). */
function tigerBeetleBackend(): Backend {
  const address = process.env.TB_ADDRESS ?? "";
  const ledger = createLedger("tigerbeetle", { address, clusterId: BigInt(process.env.TB_CLUSTER_ID ?? "0") });
  // The cluster keeps every run's accounts: a ledger number of this run's own keeps runs apart.
  const ledgerNumber = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const budget = accountId("budget", ledgerNumber, tierId);
  const clientPackage = createRequire(import.meta.url).resolve("tigerbeetle-node/package.json");
  const client = (JSON.parse(readFileSync(clientPackage, "utf8")) as { version: string }).version;
  return {
    ledger,
    ledgerNumber,
    roundTrip: "lookup_accounts (1 id)",
    roundTripOp: async () => void (await ledger.lookupAccounts([budget])),
    batches: null,
    versions: { tigerbeetleNode: client },
    title: `holds into TigerBeetle at ${address} (tigerbeetle-node ${client})`,
    close: () => ledger.close(),
  };
}

async function figuresFor(backend: Backend, config: Config): Promise<Figure[]> {
  const setup = planEventSetup({
    ledger: backend.ledgerNumber,
    tiers: [{ tierId, capacity: 1_000_000_000_000 }],
    perks: [],
  });
  await backend.ledger.createAccounts(setup.accounts);
  await backend.ledger.createTransfers(setup.transfers);
  const figures: Figure[] = [];
  for (const concurrency of config.concurrency) {
    const cal = await closedLoop(concurrency, config.calibrationSeconds, 10_000_000, backend.roundTripOp);
    for (const shape of config.shapes)
      figures.push(await measure(backend, shape, concurrency, cal.latencies.length / cal.elapsed, config));
  }
  return figures;
}

/** What the result file records of the run's settings: the backend's own beside the common ones. */
function recordedConfig(config: Config, backend: Backend) {
  const common = { ...config, ledgerNumber: backend.ledgerNumber, eventsPerHold };
  if (config.ledger === "tigerbeetle") return { ...common, tigerbeetleNode: backend.versions.tigerbeetleNode };
  return {
    ...common,
    batchTransfersMax: ledgerBatchTransfersMax,
    batchWaitMs: ledgerBatchWaitMs,
    batchesInFlightMax: ledgerBatchesInFlightMax,
  };
}

/** The arguments, or null after saying why they are refused (exit code 2, nothing set up). */
function configOrRefusal(args: string[]): Config | null {
  try {
    return parseArgs(args);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    console.error(`npm run bench -- ledger: ${err.message}`);
    process.exitCode = 2;
    return null;
  }
}

export async function run(args: string[]): Promise<void> {
  const config = configOrRefusal(args);
  if (config === null) return;
  const backend = config.ledger === "tigerbeetle" ? tigerBeetleBackend() : await postgresBackend(config);
  try {
    const startedAt = new Date().toISOString();
    const machineAtStart = machine();
    const figures = await figuresFor(backend, config);
    const [budget] = await backend.ledger.lookupAccounts([accountId("budget", backend.ledgerNumber, tierId)]);
    const inventory = inventoryFromAccount(budget!);
    if (inventory.available + inventory.held + inventory.sold !== inventory.capacity)
      throw new Error("I1 broken after the benchmark");
    const name = config.ledger === "tigerbeetle" ? "ledger-tigerbeetle" : "ledger";
    const result = {
      name,
      startedAt,
      machine: machineAtStart,
      // The result files' `versions` has a fixed set of keys: the TigerBeetle client's goes in config.
      versions: { node: process.version, ...(config.ledger === "postgres" ? backend.versions : {}) },
      config: recordedConfig(config, backend),
      figures,
      inventoryAfter: inventory,
    };
    const dir = fileURLToPath(new URL("./results/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}${startedAt.replaceAll(":", "-")}-${name}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    const load = machineAtStart.loadAverage1mAtStart?.toFixed(2);
    const heading = `## ${name} — ${backend.title}, ${config.seconds} s per cell (load average at start ${load})`;
    console.log(`\n${heading}\n\n${table(figures, backend.roundTrip)}\n\nwritten: ${file}`);
  } finally {
    await backend.close();
  }
}
