// Benchmark `sockets` (performance.md): N waiting-room sockets from several generator processes
// (each on its own loopback source address: one address has ~28k ephemeral ports), each joined to
// one event whose room ticks queue:status (~2/s; the contract asks ≥ every 2 s, the spec's 1 Hz;
// past 3,000 sockets on the ticking node the server paces the frames out, to at most every 5 s).
// With --nodes N the stack runs N server processes on one database and Redis and the sockets are
// spread over them round-robin (lib/nodes.ts): the room ticks on one node and its frames reach the
// sockets on the others through the Socket.IO Redis streams adapter. --redis cluster runs the stack
// on a 3-master Redis Cluster started for the run; --adapter sharded uses the sharded Pub/Sub adapter
// (SOCKET_IO_ADAPTER=sharded) instead of the streams one — the two are compared in bench/README.md.
// Figures, overall: connect rate, delivery ratio (per tick inside the window — first and last
// second left out — frames received ÷ connected sockets), push latency (receipt − the frame's
// sentAtMs; one clock on one box); per node: sockets held, memory per socket (that node's /metrics
// RSS and heap before and after ÷ its sockets), delivery ratio of its sockets.
// Every process's open-files limit here is the container's hard limit (20,000): a server node holds
// at most ~19,900 sockets (40,000 need ≥ 3 nodes), a generator as many; prlimit is not permitted.
//   npm run bench -- sockets [--sockets 10000] [--nodes 1] [--generators 4] [--seconds 20]
//     [--redis single|cluster] [--adapter streams|sharded]
import { calibrate } from "./lib/calibrate.js";
import { runGenerators } from "./lib/child.js";
import { split } from "./lib/merge.js";
import { firstIndexes, sumPerNode } from "./lib/nodes.js";
import { machineInfo, writeResult } from "./lib/result.js";
import { delivery, kbPerSocket, memory, mergeTicks, nodeRows, type NodeMemory } from "./lib/socket-figures.js";
import { benchEvent, flag, numFlag, startBenchStack, type BenchStack } from "./lib/stack.js";
import { startRedisCluster } from "../server/test/support/redis-cluster.js";
import { round, summarize } from "./lib/stats.js";
import type { SocketGenResult } from "./gen/socket.js";

function configFrom(args: string[]) {
  return {
    sockets: numFlag(args, "sockets", 10_000),
    nodes: Math.max(1, numFlag(args, "nodes", 1)),
    generators: numFlag(args, "generators", 4),
    seconds: numFlag(args, "seconds", 20),
    connectParallel: numFlag(args, "connect-parallel", 100),
    redis: flag(args, "redis") === "cluster" ? ("cluster" as const) : ("single" as const),
    adapter: flag(args, "adapter") === "sharded" ? ("sharded" as const) : ("streams" as const),
  };
}

type Config = ReturnType<typeof configFrom>;

const memories = (bench: BenchStack): Promise<NodeMemory[]> => Promise.all(bench.servers.map((s) => memory(s.url)));

/** Connects the sockets (spread over the nodes) and joins them to a slow room, reads each node's
 * memory once they are all in, then keeps them open for the timed phase. */
async function idleSockets(bench: BenchStack, config: Config) {
  const event = await benchEvent(bench.server.url, {
    name: "bench sockets",
    classes: [{ code: "GA", capacity: 1_000 }],
    waitingRoom: { admitPerMinute: 60, maxActiveCheckouts: 1 },
  });
  await new Promise((r) => setTimeout(r, 1_000));
  const before = await memories(bench);
  let after = before;
  const t0 = Date.now();
  const parts = split(config.sockets, config.generators);
  const firsts = firstIndexes(parts);
  const { results, startedAtMs } = await runGenerators<SocketGenResult>(
    "socket",
    parts.map((n, g) => ({
      deadlineSeconds: 900,
      mode: "idle",
      url: bench.server.url,
      urls: bench.servers.map((s) => s.url),
      firstIndex: firsts[g]!,
      sockets: n,
      concurrency: 1,
      seconds: config.seconds,
      count: n,
      eventId: event.id,
      localAddress: `127.0.0.${2 + g}`,
      connectParallel: Math.ceil(config.connectParallel / config.generators),
    })),
    async () => void (after = await memories(bench)),
  );
  return { results, startedAtMs, before, after, prepareSeconds: round((startedAtMs - t0) / 1_000) };
}

type Run = Awaited<ReturnType<typeof idleSockets>>;

/** The overall row (node "all") and one row per node. */
function figures(config: Config, run: Run) {
  const { results, startedAtMs, before, after } = run;
  const held = sumPerNode(
    results.map((r) => r.connectedPerNode),
    config.nodes,
  );
  const connected = results.reduce((a, r) => a + r.connected, 0);
  const [fromMs, toMs] = [startedAtMs + 1_000, startedAtMs + (config.seconds - 1) * 1_000];
  const overall = delivery(mergeTicks(results.map((r) => r.ticks)), connected, fromMs, toMs);
  const perNode = held.map((n, k) => delivery(mergeTicks(results.map((r) => r.nodeTicks?.[k])), n, fromMs, toMs));
  const push = summarize(Float64Array.from(results.flatMap((r) => [...(r.pushLatenciesMs ?? [])])));
  const sum = (key: "rssBytes" | "heapUsedBytes") => (ms: NodeMemory[]) => ({
    rssBytes: 0,
    heapUsedBytes: 0,
    [key]: ms.reduce((a, m) => a + m[key], 0),
    error: ms.find((m) => m.error)?.error ?? null,
  });
  const perSocketKb = (key: "rssBytes" | "heapUsedBytes") =>
    kbPerSocket(sum(key)(before), sum(key)(after), key, connected);
  const perSocketMax = Math.max(...results.map((r) => r.framesPerSocketMax ?? 0));
  const overallRow = {
    node: "all",
    sockets: config.sockets,
    connected,
    "connect failures": results.reduce((a, r) => a + r.connectFailed, 0),
    "join failures": results.reduce((a, r) => a + (r.joinFailed ?? 0), 0),
    "connects/s (incl. session + join)": Math.round(connected / (Math.max(...results.map((r) => r.connectMs)) / 1_000)),
    "RSS KB/socket": perSocketKb("rssBytes"),
    "heap KB/socket": perSocketKb("heapUsedBytes"),
    "memory target": "≤ 20 KB",
    "delivery ratio": overall.ratio,
    "ticks counted": overall.ticksCounted,
    frames: results.reduce((a, r) => a + (r.frames ?? 0), 0),
    "delivery target": "≥ 0.999",
    "frames/socket (min..max)": `${Math.min(...results.map((r) => r.framesPerSocketMin ?? 0))}..${perSocketMax}`,
    "push p50 ms": push.p50Ms,
    "push p99 ms": push.p99Ms,
    "push p99 target": "≤ 1000",
    disconnects: results.reduce((a, r) => a + (r.disconnects ?? 0), 0),
  };
  const nodes = config.nodes > 1 ? nodeRows({ held, before, after, delivery: perNode }) : [];
  return [overallRow, ...nodes];
}

export async function run(args: string[]): Promise<void> {
  const config = configFrom(args);
  const startedAt = new Date().toISOString();
  const env = machineInfo();
  const cal = await calibrate({ httpConcurrency: 200, sockets: 200, generators: config.generators });
  const cluster = config.redis === "cluster" ? await startRedisCluster() : null;
  const bench = await startBenchStack({
    workers: false,
    nodes: config.nodes,
    env: { SOCKET_IO_ADAPTER: config.adapter },
    ...(cluster ? { redisUrl: cluster.url } : {}),
  }).catch(async (err: unknown) => {
    await cluster?.stop();
    throw err;
  });
  try {
    const run = await idleSockets(bench, config);
    const alive = bench.servers.map((s) => s.child.exitCode === null);
    const firstErrors = run.results.flatMap((r) => r.firstErrors).slice(0, 5);
    writeResult({
      name: "sockets",
      title:
        `${config.sockets} idle waiting-room sockets on ${config.nodes} node(s), ` +
        `${config.redis} Redis, ${config.adapter} adapter, ` +
        `${config.generators} generators, ${config.seconds} s of queue:status`,
      startedAt,
      env,
      config,
      calibration: cal.rows,
      figures: figures(config, run),
      extra: {
        serversAlive: alive,
        serverOutputTails: bench.servers.map((s) => s.output().slice(-2_000)),
        memoryBefore: run.before,
        memoryAfter: run.after,
        prepareSeconds: run.prepareSeconds,
        firstErrors,
      },
      notes: [
        ...run.after.flatMap((m, k) => (m.error ? [`memory after, node ${k + 1}: ${m.error}`] : [])),
        `servers alive: ${alive.join(", ")}`,
        ...firstErrors,
      ],
    });
  } finally {
    await bench.close();
    await cluster?.stop();
  }
}
