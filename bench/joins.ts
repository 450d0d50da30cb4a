// Benchmark `joins` (performance.md): queue:join on already-connected sockets (several generator
// processes, each socket its own fan, one join each), and REST joins (POST /api/events/:id/queue,
// one per prepared fan session). The event admits slowly, so joins land in `waiting` as in a sale.
//   npm run bench -- joins [--sockets 8000] [--rest 10000] [--generators 4] [--concurrency 400]
import { calibrate, fraction } from "./lib/calibrate.js";
import { runGenerators } from "./lib/child.js";
import { mergeHttp, okCount, split } from "./lib/merge.js";
import { machineInfo, writeResult, type Row } from "./lib/result.js";
import { benchEvent, numFlag, startBenchStack } from "./lib/stack.js";
import { round, summarize } from "./lib/stats.js";
import type { HttpGenResult } from "./gen/http.js";
import type { SocketGenResult } from "./gen/socket.js";

export async function run(args: string[]): Promise<void> {
  const config = {
    sockets: numFlag(args, "sockets", 8_000),
    rest: numFlag(args, "rest", 10_000),
    generators: numFlag(args, "generators", 4),
    concurrency: numFlag(args, "concurrency", 400),
    seconds: 30,
  };
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
    const slowRoom = { admitPerMinute: 60, maxActiveCheckouts: 1 };
    const sockEvent = await benchEvent(bench.server.url, {
      name: "bench socket joins",
      classes: [{ code: "GA", capacity: 1_000 }],
      waitingRoom: slowRoom,
    });
    const per = Math.ceil(config.concurrency / config.generators);
    const sock = await runGenerators<SocketGenResult>(
      "socket",
      split(config.sockets, config.generators).map((n, g) => ({
        deadlineSeconds: 600,
        mode: "join",
        url: bench.server.url,
        sockets: n,
        concurrency: per,
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
    figures.push({
      joins: "queue:join (socket)",
      "joins/s": sRate,
      target: "≥ 5000",
      "p50 ms": sLat.p50Ms,
      "p99 ms": sLat.p99Ms,
      ok: sOk,
      errors: sOps - sOk,
      "connected sockets": sock.results.reduce((a, r) => a + r.connected, 0),
      "fraction of noop ack": fraction(sRate, cal.socketAcksPerSecond),
    });
    extra.socketStatuses = sock.results.map((r) => r.statuses);
    extra.socketErrors = sock.results.flatMap((r) => r.firstErrors).slice(0, 5);

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
        concurrency: per,
        seconds: config.seconds,
        count: n,
        eventId: restEvent.id,
        localAddress: `127.0.0.${2 + g}`,
      })),
    );
    const m = mergeHttp(rest.results);
    const rOk = okCount(m.statuses, "200");
    const rRate = Math.round(rOk / m.elapsedSeconds);
    figures.push({
      joins: "POST /queue (REST)",
      "joins/s": rRate,
      target: "≥ 10000",
      "p50 ms": m.latency.p50Ms,
      "p99 ms": m.latency.p99Ms,
      ok: rOk,
      errors: m.ops - rOk,
      "connected sockets": "",
      "fraction of GET /noop": fraction(rRate, cal.httpPerSecond),
    });
    extra.restStatuses = m.statuses;
    extra.restErrors = m.firstErrors;
    extra.seconds = { socket: round(sSec), rest: round(m.elapsedSeconds) };
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
