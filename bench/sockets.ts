// Benchmark `sockets` (performance.md): N waiting-room sockets from several generator processes
// (each on its own loopback source address: one address has ~28k ephemeral ports), each joined to
// one event whose room ticks queue:status (~2/s; the contract asks ≥ every 2 s, the spec's 1 Hz).
// Figures: connect rate, server memory per socket (/metrics RSS and heap before and after),
// delivery ratio (per tick inside the window — first and last second left out — frames received ÷
// connected sockets), push latency
// (receipt − the frame's sentAtMs; one clock on one box).
// The server's open-files limit here is the container's hard limit (20,000): N ≥ ~19,900 cannot
// be held by one server process on this box, and prlimit is not permitted.
//   npm run bench -- sockets [--sockets 10000] [--generators 4] [--seconds 20]
import { calibrate } from "./lib/calibrate.js";
import { runGenerators } from "./lib/child.js";
import { metric, split } from "./lib/merge.js";
import { machineInfo, writeResult } from "./lib/result.js";
import { benchEvent, numFlag, startBenchStack, type BenchStack } from "./lib/stack.js";
import { round, summarize } from "./lib/stats.js";
import type { SocketGenResult } from "./gen/socket.js";

async function memory(url: string) {
  try {
    return {
      rssBytes: (await metric(url, "process_resident_memory_bytes")) ?? 0,
      heapUsedBytes: (await metric(url, "nodejs_heap_size_used_bytes")) ?? 0,
      error: null,
    };
  } catch (e) {
    // At its open-files limit the server cannot accept one more connection, not even for /metrics.
    return {
      rssBytes: 0,
      heapUsedBytes: 0,
      error: `${(e as Error).message}: ${String((e as { cause?: unknown }).cause ?? "")}`,
    };
  }
}

function configFrom(args: string[]) {
  return {
    sockets: numFlag(args, "sockets", 10_000),
    generators: numFlag(args, "generators", 4),
    seconds: numFlag(args, "seconds", 20),
    connectParallel: numFlag(args, "connect-parallel", 100),
  };
}

type Config = ReturnType<typeof configFrom>;

/** Connects the sockets and joins them to a slow room, reads the server's memory once they are
 * all in, then keeps them open for the timed phase. */
async function idleSockets(bench: BenchStack, config: Config) {
  const event = await benchEvent(bench.server.url, {
    name: "bench sockets",
    classes: [{ code: "GA", capacity: 1_000 }],
    waitingRoom: { admitPerMinute: 60, maxActiveCheckouts: 1 },
  });
  await new Promise((r) => setTimeout(r, 1_000));
  const before = await memory(bench.server.url);
  let after = before;
  const t0 = Date.now();
  const { results, startedAtMs } = await runGenerators<SocketGenResult>(
    "socket",
    split(config.sockets, config.generators).map((n, g) => ({
      deadlineSeconds: 900,
      mode: "idle",
      url: bench.server.url,
      sockets: n,
      concurrency: 1,
      seconds: config.seconds,
      count: n,
      eventId: event.id,
      localAddress: `127.0.0.${2 + g}`,
      connectParallel: Math.ceil(config.connectParallel / config.generators),
    })),
    async () => void (after = await memory(bench.server.url)),
  );
  return { results, startedAtMs, before, after, prepareSeconds: round((startedAtMs - t0) / 1_000) };
}

/** The delivery ratio over the ticks inside the window (its first and last second left out):
 * frames received ÷ (ticks × connected sockets). */
function delivery(results: SocketGenResult[], startedAtMs: number, config: Config, connected: number) {
  const ticks = new Map<number, number>();
  for (const r of results) for (const [t, n] of r.ticks ?? []) ticks.set(t, (ticks.get(t) ?? 0) + n);
  const tickTimes = [...ticks.keys()].sort((a, b) => a - b);
  const inner = tickTimes.filter((t) => t > startedAtMs + 1_000 && t < startedAtMs + (config.seconds - 1) * 1_000);
  const delivered = inner.reduce((a, t) => a + ticks.get(t)!, 0);
  return { ratio: round(delivered / Math.max(1, inner.length * connected), 5), ticksCounted: inner.length };
}

export async function run(args: string[]): Promise<void> {
  const config = configFrom(args);
  const startedAt = new Date().toISOString();
  const env = machineInfo();
  const cal = await calibrate({ httpConcurrency: 200, sockets: 200, generators: config.generators });
  const bench = await startBenchStack({ workers: false });
  try {
    const { results, startedAtMs, before, after, prepareSeconds } = await idleSockets(bench, config);
    const connected = results.reduce((a, r) => a + r.connected, 0);
    const connectSeconds = Math.max(...results.map((r) => r.connectMs)) / 1_000;
    const frames = results.reduce((a, r) => a + (r.frames ?? 0), 0);
    const perSocketMax = Math.max(...results.map((r) => r.framesPerSocketMax ?? 0));
    const push = summarize(Float64Array.from(results.flatMap((r) => [...(r.pushLatenciesMs ?? [])])));
    const { ratio: deliveryRatio, ticksCounted } = delivery(results, startedAtMs, config, connected);
    const perSocketKb = (bytes: number) =>
      after.error || before.error ? "n/a" : round(bytes / Math.max(1, connected) / 1024, 1);
    writeResult({
      name: "sockets",
      title: `${config.sockets} idle waiting-room sockets, ${config.generators} generators, ${config.seconds} s of queue:status`,
      startedAt,
      env,
      config,
      calibration: cal.rows,
      figures: [
        {
          sockets: config.sockets,
          connected,
          "connect failures": results.reduce((a, r) => a + r.connectFailed, 0),
          "connects/s (incl. session + join)": Math.round(connected / connectSeconds),
          "RSS KB/socket": perSocketKb(after.rssBytes - before.rssBytes),
          "heap KB/socket": perSocketKb(after.heapUsedBytes - before.heapUsedBytes),
          "memory target": "≤ 20 KB",
          "delivery ratio": deliveryRatio,
          "ticks counted": ticksCounted,
          frames,
          "delivery target": "≥ 0.999",
          "frames/socket (min..max)": `${Math.min(...results.map((r) => r.framesPerSocketMin ?? 0))}..${perSocketMax}`,
          "push p50 ms": push.p50Ms,
          "push p99 ms": push.p99Ms,
          "push p99 target": "≤ 1000",
          disconnects: results.reduce((a, r) => a + (r.disconnects ?? 0), 0),
        },
      ],
      extra: {
        serverAlive: bench.server.child.exitCode === null,
        serverOutputTail: bench.server.output().slice(-2_000),
        memoryBefore: before,
        memoryAfter: after,
        prepareSeconds,
        firstErrors: results.flatMap((r) => r.firstErrors).slice(0, 5),
      },
      notes: [
        ...(after.error ? [`memory after: ${after.error}`] : []),
        `server alive: ${bench.server.child.exitCode === null}`,
        ...results.flatMap((r) => r.firstErrors).slice(0, 5),
      ],
    });
  } finally {
    await bench.close();
  }
}
