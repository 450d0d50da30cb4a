// Socket.IO load generator (a process of its own; see lib/child.ts). Modes:
//   noop-ack  closed loop of `noop` emits with ack over `sockets` sockets (calibration)
//   join      one queue:join with ack per connected socket
//   idle      waiting-room sockets joined to the event, counting queue:status frames and their
//             push latency (receipt − the frame's sentAtMs; same clock, same box)
// With `urls` (one per server node) the sockets are spread over the nodes round-robin by their
// overall index (lib/nodes.ts), each with a session made on its own node (so a node's memory
// growth is its own sockets' and sessions', not the others').
import type { Socket } from "socket.io-client";
import { connectFanSocket } from "../lib/fan-socket.js";
import { generatorMain, type GeneratorConfig } from "../lib/child.js";
import { httpClient } from "../lib/http.js";
import { newSessions, pool } from "../lib/fans.js";
import { nodeOf, urlOf } from "../lib/nodes.js";
import { nowMs } from "../lib/stats.js";

export interface SocketGenConfig extends GeneratorConfig {
  mode: "noop-ack" | "join" | "idle";
  url: string;
  /** Server nodes to spread the sockets over (round-robin from `firstIndex`); absent: all on `url`. */
  urls?: string[];
  /** This generator's first socket's index over all generators. */
  firstIndex?: number;
  sockets: number;
  /** Emits in flight at once (noop-ack, join). */
  concurrency: number;
  seconds: number;
  count: number;
  eventId?: string;
  localAddress?: string;
  connectParallel?: number;
}

export interface SocketGenResult {
  ops: number;
  latenciesMs: Float64Array;
  statuses: Record<string, number>;
  elapsedMs: number;
  connected: number;
  connectFailed: number;
  /** idle: queue:join acks that were not ok or did not come within the deadline. */
  joinFailed?: number;
  connectMs: number;
  /** idle: frames received per socket and push latencies. */
  frames?: number;
  framesPerSocketMin?: number;
  framesPerSocketMax?: number;
  pushLatenciesMs?: Float64Array;
  /** idle: per queue:status tick (its sentAtMs), how many of this generator's sockets got it. */
  ticks?: Map<number, number>;
  /** Sockets connected to each node (index in `urls`; one entry without them). */
  connectedPerNode: number[];
  /** idle: `ticks` per node, of the sockets on that node. */
  nodeTicks?: Array<Map<number, number>>;
  disconnects?: number;
  firstErrors: string[];
}

interface State {
  sockets: Socket[];
  /** The node index of each socket. */
  nodeOf: Map<Socket, number>;
  connectMs: number;
  connectFailed: number;
  joinFailed: number;
  firstErrors: string[];
}

/** Ack deadline of one emit in the generator (an ack that never comes counts as an error). */
const emitTimeoutMs = 10_000;

const nodes = (c: SocketGenConfig): number => c.urls?.length || 1;

/** A fan token per socket, its session made on the socket's node ("noop" for the calibration). */
async function sessionTokens(c: SocketGenConfig): Promise<string[]> {
  if (c.mode === "noop-ack") return Array.from({ length: c.sockets }, () => "noop");
  const node = Array.from({ length: c.sockets }, (_, i) => nodeOf(c.firstIndex ?? 0, i, nodes(c)));
  const urls = c.urls?.length ? c.urls : [c.url];
  const parallel = Math.ceil(64 / urls.length);
  const perNode = await Promise.all(
    urls.map(async (u, k) => {
      const fans = await newSessions(
        httpClient(u, parallel, c.localAddress),
        node.filter((n) => n === k).length,
        parallel,
      );
      return fans.map((f) => f.fanToken);
    }),
  );
  const taken = urls.map(() => 0);
  return node.map((k) => perNode[k]![taken[k]!++]!);
}

async function prepare(c: SocketGenConfig): Promise<{ state: State; info: Record<string, unknown> }> {
  const tokens = await sessionTokens(c);
  const state: State = {
    sockets: [],
    nodeOf: new Map(),
    connectMs: 0,
    connectFailed: 0,
    joinFailed: 0,
    firstErrors: [],
  };
  const t = nowMs();
  await pool(tokens, c.connectParallel ?? 200, async (tok, i) => {
    try {
      const socket = await connectFanSocket(urlOf(c, i), tok, c.localAddress);
      state.sockets.push(socket);
      state.nodeOf.set(socket, nodeOf(c.firstIndex ?? 0, i, nodes(c)));
    } catch (e) {
      state.connectFailed++;
      if (state.firstErrors.length < 5) state.firstErrors.push(`connect: ${(e as Error).message}`);
    }
  });
  state.connectMs = nowMs() - t;
  if (c.mode === "idle") {
    await pool(state.sockets, 200, async (s) => {
      // A join not answered in time is counted (the socket stays, as a fan's page would), not fatal.
      const ack = (await s
        .timeout(emitTimeoutMs)
        .emitWithAck("queue:join", { eventId: c.eventId })
        .catch((e: Error) => ({ ok: false, error: e.message }))) as { ok: boolean };
      if (ack.ok) return;
      state.joinFailed++;
      if (state.firstErrors.length < 5) state.firstErrors.push(`join: ${JSON.stringify(ack)}`);
    });
  }
  return {
    state,
    info: {
      connected: state.sockets.length,
      connectFailed: state.connectFailed,
      joinFailed: state.joinFailed,
      connectMs: state.connectMs,
    },
  };
}

/** What every mode reports of the connecting (prepare's figures). */
type Connecting = Pick<
  SocketGenResult,
  "connected" | "connectFailed" | "joinFailed" | "connectMs" | "firstErrors" | "connectedPerNode"
>;

async function run(c: SocketGenConfig, s: State): Promise<SocketGenResult> {
  const base: Connecting = {
    connected: s.sockets.length,
    connectFailed: s.connectFailed,
    joinFailed: s.joinFailed,
    connectMs: s.connectMs,
    firstErrors: s.firstErrors,
    connectedPerNode: Array.from({ length: nodes(c) }, (_, k) => [...s.nodeOf.values()].filter((n) => n === k).length),
  };
  const t0 = nowMs();
  return { ...base, ...(c.mode === "idle" ? await countFrames(c, s, t0) : await emitLoop(c, s, t0)) };
}

/** idle: counts each socket's queue:status frames, their push latency and ticks, for `seconds`. */
async function countFrames(c: SocketGenConfig, s: State, t0: number): Promise<Omit<SocketGenResult, keyof Connecting>> {
  const push: number[] = [];
  const perSocket = new Map<Socket, number>();
  let disconnects = 0;
  const ticks = new Map<number, number>();
  const nodeTicks = Array.from({ length: nodes(c) }, () => new Map<number, number>());
  for (const sock of s.sockets) {
    perSocket.set(sock, 0);
    const onNode = nodeTicks[s.nodeOf.get(sock) ?? 0]!;
    sock.on("queue:status", (st: { sentAtMs?: number }) => {
      perSocket.set(sock, perSocket.get(sock)! + 1);
      if (st.sentAtMs) {
        push.push(Date.now() - st.sentAtMs);
        ticks.set(st.sentAtMs, (ticks.get(st.sentAtMs) ?? 0) + 1);
        onNode.set(st.sentAtMs, (onNode.get(st.sentAtMs) ?? 0) + 1);
      }
    });
    sock.on("disconnect", () => disconnects++);
  }
  await new Promise((r) => setTimeout(r, c.seconds * 1_000));
  for (const sock of s.sockets) sock.removeAllListeners("disconnect").close();
  const counts = [...perSocket.values()];
  return {
    ops: push.length,
    latenciesMs: new Float64Array(),
    statuses: {},
    elapsedMs: nowMs() - t0,
    frames: push.length,
    framesPerSocketMin: counts.reduce((a, b) => Math.min(a, b), Infinity),
    framesPerSocketMax: counts.reduce((a, b) => Math.max(a, b), 0),
    pushLatenciesMs: Float64Array.from(push),
    disconnects,
    ticks,
    nodeTicks,
  };
}

/** noop-ack and join: emits with ack, `concurrency` at once, until `count` (join: one per socket) or time is up. */
async function emitLoop(c: SocketGenConfig, s: State, t0: number): Promise<Omit<SocketGenResult, keyof Connecting>> {
  const max = c.mode === "join" ? s.sockets.length : c.count;
  const lat = new Float64Array(max);
  const statuses: Record<string, number> = {};
  let next = 0;
  let done = 0;
  const stopAt = t0 + c.seconds * 1_000;
  await Promise.all(
    Array.from({ length: Math.min(c.concurrency, max) }, async (_, w) => {
      while (next < max && nowMs() < stopAt) {
        const i = next++;
        const sock = c.mode === "join" ? s.sockets[i]! : s.sockets[w % s.sockets.length]!;
        const t = nowMs();
        let key: string;
        try {
          const ack = (await sock
            .timeout(emitTimeoutMs)
            .emitWithAck(
              c.mode === "join" ? "queue:join" : "noop",
              c.mode === "join" ? { eventId: c.eventId } : {},
            )) as { ok: boolean; error?: { code: string } };
          key = ack.ok ? "ok" : `error ${ack.error?.code}`;
        } catch (e) {
          key = `error ${(e as Error).message}`;
        }
        lat[done++] = nowMs() - t;
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
    }),
  );
  const elapsedMs = nowMs() - t0;
  for (const sock of s.sockets) sock.close();
  return { ops: done, latenciesMs: lat.slice(0, done), statuses, elapsedMs };
}

generatorMain<SocketGenConfig, State>(prepare, run);
