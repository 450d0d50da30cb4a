// Benchmark `joins` (performance.md): queue:join on already-connected sockets (several generator
// processes, each socket its own fan, one join each), and REST joins (POST /api/events/:id/queue,
// one per prepared fan session). The event admits slowly, so joins land in `waiting` as in a sale.
//   npm run bench -- joins [--sockets 8000] [--rest 10000] [--generators 4] [--concurrency 400]
import { calibrate, fraction, type Calibration } from "./lib/calibrate.js";
import { runGenerators } from "./lib/child.js";
import { mergeHttp, okCount, split } from "./lib/merge.js";
import { machineInfo, writeResult, type Row } from "./lib/result.js";
import { benchEvent, numFlag, startBenchStack, type BenchStack } from "./lib/stack.js";
import { round, summarize } from "./lib/stats.js";
import type { HttpGenResult } from "./gen/http.js";
import type { SocketGenResult } from "./gen/socket.js";

function configFrom(args: string[]) {
  return {
    sockets: numFlag(args, "sockets", 8_000),
    rest: numFlag(args, "rest", 10_000),
    generators: numFlag(args, "generators", 4),
    concurrency: numFlag(args, "concurrency", 400),
    seconds: 30,
  };
}

type Config = ReturnType<typeof configFrom>;

/** The room admits slowly, so joins land in `waiting` as in a sale. */
const slowRoom = { admitPerMinute: 60, maxActiveCheckouts: 1 };

/** Emits in flight per generator process. */
const perGenerator = (config: Config) => Math.ceil(config.concurrency / config.generators);

/** queue:join once on each connected socket (each its own fan), from generators on their own source addresses. */
async function socketJoins(bench: BenchStack, config: Config, cal: Calibration) {
  const sockEvent = await benchEvent(bench.server.url, {
    name: "bench socket joins",
    classes: [{ code: "GA", capacity: 1_000 }],
    waitingRoom: slowRoom,
  });
  const sock = await runGenerators<SocketGenResult>(
    "socket",
    split(config.sockets, config.generators).map((n, g) => ({
      deadlineSeconds: 600,
      mode: "join",
      url: bench.server.url,
      sockets: n,
      concurrency: perGenerator(config),
      seconds: config.seconds,
      count: n,
      eventId: sockEvent.id,
      localAddress: `127.0.0.${2 + g}`,
    })),
    async () => bench.profileStart(),
  );
  const sOk = sock.results.reduce((a, r) => a + (r.statuses.ok ?? 0), 0);
  const sOps = sock.results.reduce((a, r) => a + r.ops, 0);
  const sSec = Math.max(...sock.results.map((r) => r.elapsedMs)) / 1_000;
  const sLat = summarize(Float64Array.from(sock.results.flatMap((r) => [...r.latenciesMs])));
  const sRate = Math.round(sOk / sSec);
  const figures: Row = {
    joins: "queue:join (socket)",
    "joins/s": sRate,
    target: "≥ 5000",
    "p50 ms": sLat.p50Ms,
    "p99 ms": sLat.p99Ms,
    ok: sOk,
    errors: sOps - sOk,
    "connected sockets": sock.results.reduce((a, r) => a + r.connected, 0),
    "fraction of noop ack": fraction(sRate, cal.socketAcksPerSecond),
  };
  const statuses = sock.results.map((r) => r.statuses);
  return { figures, statuses, errors: sock.results.flatMap((r) => r.firstErrors).slice(0, 5), seconds: sSec };
}

/** POST /api/events/:id/queue once per prepared fan session. */
async function restJoins(bench: BenchStack, config: Config, cal: Calibration) {
  const restEvent = await benchEvent(bench.server.url, {
    name: "bench REST joins",
    classes: [{ code: "GA", capacity: 1_000 }],
    waitingRoom: slowRoom,
  });
  const rest = await runGenerators<HttpGenResult>(
    "http",
    split(config.rest, config.generators).map((n, g) => ({
      deadlineSeconds: 600,
      mode: "rest-join",
      url: bench.server.url,
      concurrency: perGenerator(config),
      seconds: config.seconds,
      count: n,
      eventId: restEvent.id,
      localAddress: `127.0.0.${2 + g}`,
    })),
  );
  const m = mergeHttp(rest.results);
  const rOk = okCount(m.statuses, "200");
  const rRate = Math.round(rOk / m.elapsedSeconds);
  const figures: Row = {
    joins: "POST /queue (REST)",
    "joins/s": rRate,
    target: "≥ 10000",
    "p50 ms": m.latency.p50Ms,
    "p99 ms": m.latency.p99Ms,
    ok: rOk,
    errors: m.ops - rOk,
    "connected sockets": "",
    "fraction of GET /noop": fraction(rRate, cal.httpPerSecond),
  };
  return { figures, statuses: m.statuses, errors: m.firstErrors, seconds: m.elapsedSeconds };
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
  const figures: Row[] = [];
  const extra: Record<string, unknown> = {};
  try {
    const sock = await socketJoins(bench, config, cal);
    figures.push(sock.figures);
    extra.socketStatuses = sock.statuses;
    extra.socketErrors = sock.errors;
    const rest = await restJoins(bench, config, cal);
    figures.push(rest.figures);
    extra.restStatuses = rest.statuses;
    extra.restErrors = rest.errors;
    extra.seconds = { socket: round(sock.seconds), rest: round(rest.seconds) };
  } finally {
    await bench.close();
  }
  writeResult({
    name: "joins",
    title: `one join per fan: ${config.sockets} sockets, ${config.rest} REST, ${config.generators} generators`,
    startedAt,
    env,
    config,
    calibration: cal.rows,
    figures,
    extra,
    notes: Object.entries(extra).map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
  });
}
