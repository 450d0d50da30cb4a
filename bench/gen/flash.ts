// Flash-sale fan generator (a process of its own; see lib/child.ts). Each fan: a session, a socket,
// queue:join into the pre-queue (prepare). After "go" (the admin opens the sale) each fan waits for
// queue:admitted, re-joins to learn its (lottery) queue number, holds 1–2 tickets of a random tier
// (fewer when told not enough are left, as the page tells a person to) and then: 20% abandon (the
// hold expires), 10% decline, 5% pay late (after the hold expired), the rest pay. Every socket
// records when it is first told the sale is sold out (queue:status state). With arrivePerSecond
// (the `overload` shape) fans do not wait in a pre-queue: each joins the open sale at its own
// moment after "go", at that rate. Holds answered 503 overloaded are sent again after their
// Retry-After with jitter (lib/http.ts). With `urls` (one per server node) each fan's socket and
// holds go to its node, round-robin by fan (lib/nodes.ts); sessions and payments stay on `url`.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import { generatorMain, type GeneratorConfig } from "../lib/child.js";
import { bearer, httpClient, type HttpClient } from "../lib/http.js";
import { newSessions, pool, type BenchFan } from "../lib/fans.js";
import { nodeOf, urlOf } from "../lib/nodes.js";
import { sleep } from "../lib/stats.js";

export interface FlashGenConfig extends GeneratorConfig {
  url: string;
  /** Server nodes to spread the fans over (round-robin from `firstIndex`); absent: all on `url`. */
  urls?: string[];
  /** This generator's first fan's index over all generators. */
  firstIndex?: number;
  eventId: string;
  classes: Array<{ id: string; code: string; capacity: number }>;
  fans: number;
  seconds: number;
  holdSeconds: number;
  localAddress?: string;
  seed: number;
  /** Fans join after "go" at this rate (per generator) instead of in a pre-queue before it. */
  arrivePerSecond?: number;
}

export interface FlashFanRecord {
  queueNumber: number | null;
  admittedAtMs: number | null;
  behaviour: "pay" | "abandon" | "decline" | "late";
  /** Tickets the fan asks for (1 or 2). */
  quantity: number;
  /** When the fan joined the line (after "go" with arrivePerSecond; before it in a pre-queue). */
  joinedAtMs: number | null;
  outcome: string;
  soldOutToldAtMs: number | null;
  soldOutSentAtMs: number | null;
  /** The hold request's time to its final answer (Retry-After waits included), when one was sent. */
  holdMs: number | null;
  /** Whether that answer came on a connection opened for it: a busy server accepts new connections
   * one per turn of its event loop, so they can wait seconds in its accept queue. */
  holdFresh: boolean | null;
}

export interface FlashGenResult {
  fans: FlashFanRecord[];
  /** This generator's event-loop delay over the run (ms): a busy generator delays its own fans' requests. */
  loopDelay: { p99Ms: number; maxMs: number };
  connected: number;
  retries: number;
  /** Holds sent again after 503 overloaded, and requests that got no answer in time. */
  overloadRetries: number;
  timeouts: number;
  firstErrors: string[];
}

interface Fan extends BenchFan {
  socket: Socket;
  /** Where this fan's holds go: its node's client. */
  client: HttpClient;
  rec: FlashFanRecord;
  admitted: Promise<string>;
  join: () => Promise<void>;
}

interface FlashState {
  fans: Fan[];
  /** Sessions and payments (`url`). */
  client: HttpClient;
  /** One per node (`urls`), the first being `client` when its url is `url`. */
  nodeClients: HttpClient[];
  errors: string[];
}

/** Deterministic per-fan randomness (mulberry32) so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function behaviourOf(r: number): FlashFanRecord["behaviour"] {
  return r < 0.2 ? "abandon" : r < 0.3 ? "decline" : r < 0.35 ? "late" : "pay";
}

async function prepare(c: FlashGenConfig): Promise<{ state: FlashState; info: Record<string, unknown> }> {
  const client = httpClient(c.url, 256, c.localAddress);
  const nodeClients = (c.urls ?? []).map((u) => (u === c.url ? client : httpClient(u, 256, c.localAddress)));
  const random = rng(c.seed);
  const sessions = await newSessions(client, c.fans);
  const errors: string[] = [];
  const fans = await pool(sessions, 100, async (s, i) => {
    const fanClient = nodeClients[nodeOf(c.firstIndex ?? 0, i, nodeClients.length)] ?? client;
    const socket = io(urlOf(c, i), {
      auth: { fanToken: s.fanToken },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
      ...(c.localAddress ? { localAddress: c.localAddress } : {}),
    } as Parameters<typeof io>[1]);
    const rec: FlashFanRecord = {
      queueNumber: null,
      admittedAtMs: null,
      behaviour: behaviourOf(random()),
      quantity: random() < 0.5 ? 1 : 2,
      joinedAtMs: null,
      outcome: "not admitted",
      soldOutToldAtMs: null,
      soldOutSentAtMs: null,
      holdMs: null,
      holdFresh: null,
    };
    socket.on("queue:status", (st: { state: string; sentAtMs?: number }) => {
      if (st.state === "sold_out" && rec.soldOutToldAtMs === null) {
        rec.soldOutToldAtMs = Date.now();
        rec.soldOutSentAtMs = st.sentAtMs ?? null;
      }
    });
    const admitted = new Promise<string>((res) =>
      socket.on("queue:admitted", (a: { token: string }) => ((rec.admittedAtMs ??= Date.now()), res(a.token))),
    );
    await new Promise<void>((res, rej) => (socket.once("connect", res), socket.once("connect_error", rej)));
    const join = async () => {
      rec.joinedAtMs = Date.now();
      const ack = (await socket.timeout(10_000).emitWithAck("queue:join", { eventId: c.eventId })) as { ok: boolean };
      if (!ack.ok && errors.length < 5) errors.push(`join: ${JSON.stringify(ack)}`);
    };
    if (!c.arrivePerSecond) await join();
    return { ...s, socket, client: fanClient, rec, admitted, join };
  });
  return { state: { fans, client, nodeClients, errors }, info: { fans: fans.length } };
}

type HoldAnswer = { status: number; body: { paymentUrl: string; error?: { code: string } } };

/** A hold of `quantity` tickets of the first tier in `tiers` that has them. Told there are not
 * enough left, the fan asks for fewer of the same tier, as the page tells a person to ("Try
 * fewer"); told a tier is sold out, the next one. Null: nothing left for this fan. */
async function holdSome(
  c: FlashGenConfig,
  fan: Fan,
  token: string,
  tiers: FlashGenConfig["classes"],
): Promise<HoldAnswer | null> {
  for (const cls of tiers) {
    for (let quantity = fan.rec.quantity; quantity > 0; quantity--) {
      const startedMs = Date.now();
      const body = { admissionToken: token, items: [{ classId: cls.id, quantity }], email: "flash@example.test" };
      const headers = { ...bearer(fan.fanToken), "idempotency-key": `flash-${fan.fanId}-${cls.id}-${quantity}` };
      const h = await fan.client.request<HoldAnswer["body"]>("POST", `/api/events/${c.eventId}/holds`, body, headers);
      fan.rec.holdMs = Date.now() - startedMs;
      fan.rec.holdFresh = h.freshConnection ?? null;
      const code = h.status === 409 ? h.body.error?.code : undefined;
      if (code === "insufficient_stock") continue;
      if (code !== "sold_out") return h;
      break;
    }
  }
  return null;
}

async function buy(
  c: FlashGenConfig,
  client: HttpClient,
  fan: Fan,
  token: string,
  random: () => number,
): Promise<string> {
  const j = (await fan.socket.timeout(10_000).emitWithAck("queue:join", { eventId: c.eventId })) as {
    ok: boolean;
    data?: { queueNumber: number | null };
  };
  fan.rec.queueNumber = j.data?.queueNumber ?? null;
  const total = c.classes.reduce((a, k) => a + k.capacity, 0);
  let pick = random() * total;
  const first = c.classes.find((k) => (pick -= k.capacity) < 0) ?? c.classes[0]!;
  const h = await holdSome(c, fan, token, [first, ...c.classes.filter((k) => k !== first)]);
  if (h === null) return "sold out at hold";
  if (h.status !== 201) return `hold ${h.status} ${h.body.error?.code ?? ""}`;
  const sessionId = new URL(h.body.paymentUrl).pathname.split("/").filter(Boolean).pop();
  const pay = (outcome: string) => client.request("POST", `/mockpay/api/sessions/${sessionId}/complete`, { outcome });
  switch (fan.rec.behaviour) {
    case "abandon":
      return "abandoned";
    case "decline":
      return (await pay("failed")).status === 200 ? "declined" : "decline refused";
    case "late":
      await sleep((c.holdSeconds + 3) * 1_000);
      return (await pay("succeeded")).status === 200 ? "paid late" : "late pay refused";
    case "pay":
      return (await pay("succeeded")).status === 200 ? "paid" : "pay refused";
  }
}

async function run(c: FlashGenConfig, s: FlashState): Promise<FlashGenResult> {
  const random = rng(c.seed ^ 0x9e3779b9);
  const stopAt = Date.now() + c.seconds * 1_000;
  const bounded = <T>(p: Promise<T>) => Promise.race([p, sleep(Math.max(0, stopAt - Date.now())).then(() => null)]);
  const goMs = Date.now();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await Promise.all(
    s.fans.map(async (fan, i) => {
      if (c.arrivePerSecond) {
        await sleep(Math.max(0, goMs + (i * 1_000) / c.arrivePerSecond - Date.now()));
        await fan.join();
      }
      const token = await bounded(fan.admitted);
      if (token === null) return;
      try {
        fan.rec.outcome = (await bounded(buy(c, s.client, fan, token, random))) ?? "timed out";
      } catch (e) {
        fan.rec.outcome = `error ${(e as Error).message}`;
        if (s.errors.length < 5) s.errors.push((e as Error).message);
      }
    }),
  );
  // Keep listening until every socket was told "sold out", or the time is up.
  while (Date.now() < stopAt && s.fans.some((f) => f.rec.soldOutToldAtMs === null)) await sleep(200);
  for (const f of s.fans) f.socket.close();
  const clients = [...new Set([s.client, ...s.nodeClients])];
  const [retries, overloadRetries, timeouts] = (["retries", "overloadRetries", "timeouts"] as const).map((k) =>
    clients.reduce((a, cl) => a + cl[k], 0),
  );
  loop.disable();
  const loopDelay = { p99Ms: Math.round(loop.percentile(99) / 1e6), maxMs: Math.round(loop.max / 1e6) };
  return {
    fans: s.fans.map((f) => f.rec),
    loopDelay,
    connected: s.fans.length,
    retries: retries!,
    overloadRetries: overloadRetries!,
    timeouts: timeouts!,
    firstErrors: s.errors,
  };
}

generatorMain(prepare, run);
