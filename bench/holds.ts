// Benchmark `holds` (performance.md): hold placement only, closed loop at concurrency 200, one
// tier with stock ≫ requests (a single hot account). Every hold needs its own admitted fan (one
// active hold per admission), so the generators first prepare N fans — session + REST join +
// admission — and only then the timed phase fires one POST /api/events/:id/holds per fan.
//   npm run bench -- holds [--fans 20000] [--concurrency 200] [--seconds 10] [--generators 1]
import { calibrate, fraction } from "./lib/calibrate.js";
import { runGenerators } from "./lib/child.js";
import { mergeHttp, okCount, split } from "./lib/merge.js";
import { machineInfo, writeResult } from "./lib/result.js";
import { benchEvent, numFlag, startBenchStack, type BenchStack } from "./lib/stack.js";
import { cpuNote, cpuSnapshot, cpuSplit } from "./lib/proc-cpu.js";
import { ledgerBatchTotals, meanBetween } from "./lib/server-metrics.js";
import { round } from "./lib/stats.js";
import type { HttpGenResult } from "./gen/http.js";

function configFrom(args: string[]) {
  return {
    fans: numFlag(args, "fans", 20_000),
    concurrency: numFlag(args, "concurrency", 200),
    seconds: numFlag(args, "seconds", 10),
    generators: numFlag(args, "generators", 1),
  };
}

type Config = ReturnType<typeof configFrom>;

/** The timed phase: one hold per prepared fan on one hot tier; the ledger's batches and the CPU counted from the go. */
async function timedHolds(bench: BenchStack, config: Config) {
  const event = await benchEvent(bench.server.url, {
    name: "bench holds",
    classes: [{ code: "GA", capacity: 10_000_000 }],
  });
  let batchBefore = { sum: 0, count: 0 };
  let cpuBefore = cpuSnapshot();
  const { results, readyInfo } = await runGenerators<HttpGenResult>(
    "http",
    split(config.fans, config.generators).map((count) => ({
      deadlineSeconds: 300,
      mode: "holds",
      url: bench.server.url,
      concurrency: Math.ceil(config.concurrency / config.generators),
      seconds: config.seconds,
      count,
      eventId: event.id,
      classId: event.classes[0]!.id,
    })),
    async () => {
      batchBefore = await ledgerBatchTotals(bench.server.url);
      cpuBefore = cpuSnapshot();
      bench.profileStart();
    },
  );
  const cpuSeconds = cpuSplit(cpuBefore, cpuSnapshot());
  const batch = meanBetween(batchBefore, await ledgerBatchTotals(bench.server.url));
  return { results, readyInfo, cpuSeconds, batch };
}

export async function run(args: string[]): Promise<void> {
  const config = configFrom(args);
  const startedAt = new Date().toISOString();
  const env = machineInfo();
  const cal = await calibrate({
    httpConcurrency: config.concurrency,
    sockets: config.concurrency,
    generators: config.generators,
  });
  const bench = await startBenchStack({ workers: false });
  try {
    const { results, readyInfo, cpuSeconds, batch } = await timedHolds(bench, config);
    const m = mergeHttp(results);
    const granted = okCount(m.statuses, "201");
    const holdsPerSecond = Math.round(granted / m.elapsedSeconds);
    writeResult({
      name: "holds",
      title: `one hold per admitted fan, concurrency ${config.concurrency}, one hot tier`,
      startedAt,
      env,
      config,
      calibration: cal.rows,
      figures: [
        {
          "holds/s": holdsPerSecond,
          target: "≥ 8000",
          "p50 ms": m.latency.p50Ms,
          "p90 ms": m.latency.p90Ms,
          "p99 ms": m.latency.p99Ms,
          "p99 target": "≤ 100",
          holds: granted,
          attempts: m.ops,
          seconds: round(m.elapsedSeconds),
          errors: m.ops - granted,
          "mean ledger batch": batch,
          "fraction of GET /noop": fraction(holdsPerSecond, cal.httpPerSecond),
        },
      ],
      extra: { statuses: m.statuses, firstErrors: m.firstErrors, prepare: readyInfo, cpuSeconds },
      notes: [`statuses: ${JSON.stringify(m.statuses)}`, cpuNote(cpuSeconds, granted, "hold"), ...m.firstErrors],
    });
  } finally {
    await bench.close();
  }
}
