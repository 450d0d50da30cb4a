// Benchmark `last-ticket` (performance.md): 10,000 concurrent hold attempts for 1,000 tickets.
// Exactly 1,000 must be granted; figures: time to sell out (go → last 201), 409 share, latency.
// 10,000 admitted fans are prepared first (split over generator processes), then all fire at once.
//   npm run bench -- last-ticket [--attempts 10000] [--tickets 1000] [--generators 2]
import { stockOf, auditOk } from "../server/test/support/checkout.js";
import { calibrate } from "./lib/calibrate.js";
import { runGenerators } from "./lib/child.js";
import { mergeHttp, okCount, split } from "./lib/merge.js";
import { machineInfo, writeResult } from "./lib/result.js";
import { adminAuth, benchEvent, numFlag, startBenchStack, type BenchStack } from "./lib/stack.js";
import { round } from "./lib/stats.js";
import type { HttpGenResult } from "./gen/http.js";

function configFrom(args: string[]) {
  return {
    attempts: numFlag(args, "attempts", 10_000),
    tickets: numFlag(args, "tickets", 1_000),
    generators: numFlag(args, "generators", 2),
    seconds: 60,
  };
}

type Config = ReturnType<typeof configFrom>;

/** The timed phase: every prepared fan fires its one hold at once, for the event's few tickets. */
async function allAtOnce(bench: BenchStack, config: Config) {
  const event = await benchEvent(bench.server.url, {
    name: "bench last ticket",
    classes: [{ code: "GA", capacity: config.tickets }],
  });
  const parts = split(config.attempts, config.generators);
  const { results, readyInfo } = await runGenerators<HttpGenResult>(
    "http",
    parts.map((count) => ({
      deadlineSeconds: 600,
      mode: "holds",
      url: bench.server.url,
      concurrency: count,
      seconds: config.seconds,
      count,
      eventId: event.id,
      classId: event.classes[0]!.id,
    })),
    async () => bench.profileStart(),
  );
  return { eventId: event.id, results, readyInfo };
}

export async function run(args: string[]): Promise<void> {
  const config = configFrom(args);
  const startedAt = new Date().toISOString();
  const env = machineInfo();
  const cal = await calibrate({ httpConcurrency: 200, sockets: 200, generators: config.generators });
  const bench = await startBenchStack({ workers: false });
  try {
    const { eventId, results, readyInfo } = await allAtOnce(bench, config);
    const m = mergeHttp(results);
    const granted = okCount(m.statuses, "201");
    const refused = Object.entries(m.statuses)
      .filter(([k]) => k.startsWith("409"))
      .reduce((a, [, v]) => a + v, 0);
    const soldOutSeconds = Math.max(...results.map((r) => r.lastGrantedMs ?? 0)) / 1_000;
    const [ga] = await stockOf(bench.server.url, eventId);
    const audit = await auditOk(bench.server.url, eventId, adminAuth);
    writeResult({
      name: "last-ticket",
      title: `${config.attempts} concurrent hold attempts for ${config.tickets} tickets`,
      startedAt,
      env,
      config,
      calibration: cal.rows,
      figures: [
        {
          granted,
          target: `exactly ${config.tickets}`,
          exact: granted === config.tickets,
          "sold out in s": round(soldOutSeconds),
          "sold-out target": "≤ 2 s",
          "409 share": round(refused / Math.max(1, m.ops), 3),
          "all answered in s": round(m.elapsedSeconds),
          "p50 ms": m.latency.p50Ms,
          "p99 ms": m.latency.p99Ms,
          "other answers": m.ops - granted - refused,
          "connection retries": m.retries,
          "overload retries": m.overloadRetries,
          timeouts: m.timeouts,
          "held after": ga?.held ?? null,
          "available after": ga?.available ?? null,
          "audit ok": audit,
        },
      ],
      extra: { statuses: m.statuses, firstErrors: m.firstErrors, prepare: readyInfo },
      notes: [`statuses: ${JSON.stringify(m.statuses)}`, ...m.firstErrors],
    });
  } finally {
    await bench.close();
  }
}
