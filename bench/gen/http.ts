// HTTP load generator (a process of its own; see lib/child.ts). Modes:
//   noop      GET /noop closed loop (calibration)
//   holds     one hold per prepared admitted fan (holds, last-ticket)
//   purchase  closed loop: hold → MockPay complete → `order:update` paid pushed to the fan's socket
//             (as the app's order page sees it); with `observe: "poll"`, GET the order every 100 ms
//   rest-join one REST queue join per prepared fan
import { generatorMain, type GeneratorConfig } from "../lib/child.js";
import { bearer, httpClient, type HttpClient } from "../lib/http.js";
import { admittedFans, newSessions, type BenchFan } from "../lib/fans.js";
import { nowMs, sleep } from "../lib/stats.js";
import { connectFans, waitForPush, type FanSockets } from "../lib/order-push.js";

export interface HttpGenConfig extends GeneratorConfig {
  mode: "noop" | "holds" | "purchase" | "rest-join";
  url: string;
  concurrency: number;
  seconds: number;
  /** Ops at most (noop); for the fan modes, the number of fans prepared. */
  count: number;
  eventId?: string;
  classId?: string;
  quantity?: number;
  localAddress?: string;
  /** purchase: how the paid order is observed (default push). */
  observe?: "push" | "poll";
  /** purchase: MockPay's own origin when it runs apart from the shop (else the shop serves it). */
  mockpayUrl?: string;
}

export interface HttpGenResult {
  ops: number;
  latenciesMs: Float64Array;
  /** Op end times relative to the go signal (ms), in completion order. */
  endsMs: Float64Array;
  statuses: Record<string, number>;
  elapsedMs: number;
  /** For holds: when the last 201 arrived (ms after go). */
  lastGrantedMs?: number;
  firstErrors: string[];
  prepareMs: number;
  /** Requests re-sent after connection errors during the timed phase. */
  retries: number;
  /** Requests sent again after 503 overloaded (Retry-After honoured), and requests that timed out. */
  overloadRetries: number;
  timeouts: number;
  /** purchase: per-step latencies (ms), order polls made and pushes that never came, to tell where an op's time goes. */
  steps?: { holdMs: number[]; payMs: number[]; paidMs: number[]; polls: number; pushesMissed: number };
}

interface State {
  client: HttpClient;
  /** Where fans pay: MockPay's own process, or the shop's client when MockPay is inside it. */
  payClient: HttpClient;
  fans: BenchFan[];
  prepareMs: number;
  sockets?: FanSockets;
}

async function prepare(c: HttpGenConfig): Promise<{ state: State; info: Record<string, unknown> }> {
  const client = httpClient(c.url, Math.max(c.concurrency, 64), c.localAddress);
  const t = nowMs();
  let fans: BenchFan[] = [];
  if (c.mode === "holds" || c.mode === "purchase") fans = await admittedFans(client, c.eventId!, c.count);
  else if (c.mode === "rest-join") fans = await newSessions(client, c.count);
  const sockets = c.mode === "purchase" && c.observe !== "poll" ? await connectFans(c.url, fans) : undefined;
  // Warm the keep-alive pool so connection setup is not in the timed phase.
  await warm(client, c.concurrency, c.mode === "noop" ? "/noop" : "/healthz");
  const payClient = c.mockpayUrl ? httpClient(c.mockpayUrl, Math.max(c.concurrency, 64), c.localAddress) : client;
  if (payClient !== client) await warm(payClient, c.concurrency, "/healthz");
  const prepareMs = nowMs() - t;
  const observe = c.mode === "purchase" ? (sockets ? "push" : "poll") : undefined;
  return { state: { client, payClient, fans, prepareMs, sockets }, info: { fans: fans.length, prepareMs, observe } };
}

/** Opens the keep-alive connections the timed phase will use. */
async function warm(client: HttpClient, concurrency: number, path: string): Promise<void> {
  await Promise.all(
    Array.from({ length: Math.min(concurrency, warmConnectionsMax) }, () => client.request("GET", path)),
  );
}

/** How long a purchase waits for the paid push before it asks for the order itself. */
const pushWaitMs = 20_000;

/** Connections opened before the timed phase; beyond this, opening them at once overflows the listen backlog. */
const warmConnectionsMax = 500;

type Op = (i: number) => Promise<string>; // returns a status tally key

function ops(c: HttpGenConfig, s: State, r: HttpGenResult, t0: number): Op {
  const { client, fans } = s;
  const items = [{ classId: c.classId, quantity: c.quantity ?? 1 }];
  const holdOf = async (fan: BenchFan) =>
    client.request<{ orderId: string; orderToken: string; paymentUrl: string; error?: { code: string } }>(
      "POST",
      `/api/events/${c.eventId}/holds`,
      { admissionToken: fan.admissionToken, items, email: "bench@example.test" },
      { ...bearer(fan.fanToken), "idempotency-key": `bench-${fan.fanId}` },
    );
  switch (c.mode) {
    case "noop":
      return async () => String((await client.request("GET", "/noop")).status);
    case "rest-join":
      return async (i) =>
        String(
          (await client.request("POST", `/api/events/${c.eventId}/queue`, undefined, bearer(fans[i]!.fanToken))).status,
        );
    case "holds":
      return async (i) => {
        const a = await holdOf(fans[i]!);
        if (a.status === 201) r.lastGrantedMs = nowMs() - t0;
        return a.status === 201 ? "201" : `${a.status} ${a.body.error?.code ?? ""}`.trim();
      };
    case "purchase":
      r.steps = { holdMs: [], payMs: [], paidMs: [], polls: 0, pushesMissed: 0 };
      return async (i) => {
        const steps = r.steps!;
        let t = nowMs();
        const h = await holdOf(fans[i]!);
        steps.holdMs.push(nowMs() - t);
        if (h.status !== 201) return `hold ${h.status} ${h.body.error?.code ?? ""}`;
        const sessionId = new URL(h.body.paymentUrl).pathname.split("/").filter(Boolean).pop();
        const pushed = s.sockets ? waitForPush(s.sockets, fans[i]!.fanId, h.body.orderId, "paid", pushWaitMs) : null;
        t = nowMs();
        const p = await s.payClient.request("POST", `/mockpay/api/sessions/${sessionId}/complete`, {
          outcome: "succeeded",
        });
        steps.payMs.push(nowMs() - t);
        if (p.status !== 200) return `pay ${p.status}`;
        t = nowMs();
        if (pushed) {
          if (await pushed) {
            steps.paidMs.push(nowMs() - t);
            return "paid";
          }
          steps.pushesMissed++; // then the poll below tells what the order is
        }
        const deadline = Date.now() + 20_000;
        for (;;) {
          const o = await client.request<{ status: string }>(
            "GET",
            `/api/orders/${h.body.orderId}`,
            undefined,
            bearer(h.body.orderToken),
          );
          steps.polls++;
          if (o.body.status === "paid") {
            steps.paidMs.push(nowMs() - t);
            return "paid";
          }
          if (o.status !== 200 || o.body.status !== "held" || Date.now() > deadline)
            return `order ${o.status} ${o.body.status}`;
          await sleep(100);
        }
      };
  }
}

async function run(c: HttpGenConfig, s: State): Promise<HttpGenResult> {
  const max = c.mode === "noop" ? c.count : s.fans.length;
  const r: HttpGenResult = {
    ops: 0,
    latenciesMs: new Float64Array(max),
    endsMs: new Float64Array(max),
    statuses: {},
    elapsedMs: 0,
    firstErrors: [],
    prepareMs: s.prepareMs,
    retries: 0,
    overloadRetries: 0,
    timeouts: 0,
  };
  const before = { retries: s.client.retries, overload: s.client.overloadRetries, timeouts: s.client.timeouts };
  const t0 = nowMs();
  const stopAt = t0 + c.seconds * 1_000;
  const op = ops(c, s, r, t0);
  let next = 0;
  await Promise.all(
    Array.from({ length: c.concurrency }, async () => {
      while (next < max && nowMs() < stopAt) {
        const i = next++;
        const t = nowMs();
        let key: string;
        try {
          key = await op(i);
        } catch (e) {
          key = `error ${(e as Error).message}`;
          if (r.firstErrors.length < 5) r.firstErrors.push((e as Error).message);
        }
        const end = nowMs();
        r.latenciesMs[r.ops] = end - t;
        r.endsMs[r.ops++] = end - t0;
        r.statuses[key] = (r.statuses[key] ?? 0) + 1;
      }
    }),
  );
  r.elapsedMs = nowMs() - t0;
  r.retries = s.client.retries - before.retries;
  r.overloadRetries = s.client.overloadRetries - before.overload;
  r.timeouts = s.client.timeouts - before.timeouts;
  r.latenciesMs = r.latenciesMs.slice(0, r.ops);
  r.endsMs = r.endsMs.slice(0, r.ops);
  s.client.close();
  s.sockets?.close();
  return r;
}

generatorMain<HttpGenConfig, State>(prepare, run);
