// Benchmark `overload` (performance.md): the checkout's capacity is measured first, the `purchase`
// way on the same stack (paid tickets/s at concurrency 200); then fans arrive at an open FIFO sale
// at 10× that rate, with admission `auto` and no operator setting, 20% abandon, 10% decline, 5% pay
// late, the rest pay. Holds answered 503 overloaded are sent again after Retry-After with jitter.
// Figures: goodput (tickets paid per second until the stock first ran out: later, while everything
// left is held by fans who will abandon, no checkout can sell) against the capacity, the tickets
// taken (held or sold) per second until then, paid per second over all the time with stock, client
// timeouts, hold p99, payments captured before their hold expired yet not settled, sell-out time
// against the ideal (the same fans through a checkout always at capacity: lib/ideal.ts), fairness
// inversions, fans admitted while nothing was available, the audit; and where settlement lag comes
// from: each payment webhook from the provider's event to the shop's 2xx, and the server's share.
//   npm run bench -- overload [--factor 10] [--sale-seconds 10] [--generators 4] [--seconds 120] [--hold-seconds 30]
//     [--keep-alive-ms N]  (the server's HTTP_KEEP_ALIVE_TIMEOUT_MS; its default when absent)
import pg from "pg";
import { stackAdmin } from "../server/test/support/stack.js";
import { createEvent } from "../server/test/support/fans.js";
import { calibrate } from "./lib/calibrate.js";
import { measureCapacity, type Capacity } from "./lib/capacity.js";
import { machineInfo, writeResult, type Row } from "./lib/result.js";
import { idealEarlyGoodput } from "./lib/ideal.js";
import { coresUsed, cpuSnapshot, cpuSplit, type CpuSnapshot } from "./lib/proc-cpu.js";
import { holdByConnection, idealFigures, idealSaleOf, runSale, saleReport, type SaleRun } from "./lib/sale-run.js";
import { holdTotals, meanBetween, webhookAnswers, webhookTotals } from "./lib/server-metrics.js";
import { metric } from "./lib/merge.js";
import { fairnessFigures } from "./lib/fairness.js";
import { adminAuth, numFlag, startBenchStack, type BenchStack } from "./lib/stack.js";
import { round } from "./lib/stats.js";

function configFrom(args: string[]) {
  return {
    factor: numFlag(args, "factor", 10),
    saleSeconds: numFlag(args, "sale-seconds", 10),
    generators: numFlag(args, "generators", 4),
    seconds: numFlag(args, "seconds", 120),
    holdSeconds: numFlag(args, "hold-seconds", 30),
    capacitySeconds: numFlag(args, "capacity-seconds", 10),
    keepAliveMs: numFlag(args, "keep-alive-ms", 0),
  };
}

/** The audit's verdict right after the run, and (when that fails) its full answer once every hold has
 * ended and the provider has had time to deliver: a read with work in flight from one that stays wrong. */
async function audits(
  url: string,
  eventId: string,
  holdSeconds: number,
): Promise<{ atEnd: boolean; drained: unknown }> {
  const read = async () => {
    const res = await fetch(`${url}/api/admin/events/${eventId}/audit`, { headers: { authorization: adminAuth } });
    return (await res.json()) as { ok: boolean };
  };
  const atEnd = (await read()).ok;
  if (atEnd) return { atEnd, drained: null };
  await new Promise((r) => setTimeout(r, (holdSeconds + 20) * 1_000));
  return { atEnd, drained: await read() };
}

/** Payments the provider captured before their order's hold expired, whose order nevertheless did not end paid. */
async function capturedButUnsettled(client: pg.Client, eventId: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM mockpay_sessions s JOIN orders o ON o.id::text = s.order_id
      WHERE o.event_id = $1 AND s.status = 'succeeded' AND s.completed_at < o.expires_at AND o.status <> 'paid'`,
    [eventId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Where settlement lag comes from: each captured payment's webhook, from the provider's event to the
 * shop's 2xx (the provider's queue, the POST, the shop's settling), and how many needed a retry. */
async function webhookDelays(client: pg.Client, eventId: string): Promise<string> {
  const { rows } = await client.query<{ p50: number | null; p99: number | null; retried: string; undelivered: string }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
            count(*) FILTER (WHERE attempts > 1) AS retried, count(*) FILTER (WHERE ms IS NULL) AS undelivered
       FROM (SELECT e.attempts, 1000 * extract(epoch FROM e.delivered_at - e.created_at)::float8 AS ms
               FROM mockpay_events e JOIN mockpay_sessions s ON s.id = e.session_id JOIN orders o ON o.id::text = s.order_id
              WHERE o.event_id = $1 AND e.type = 'payment.succeeded') d`,
    [eventId],
  );
  const r = rows[0];
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Math.round(v));
  return `${ms(r?.p50)} / ${ms(r?.p99)}; ${r?.retried ?? 0} retried, ${r?.undelivered ?? 0} undelivered`;
}

/** The payments' fate, read from the database in one connection. */
async function settlementFigures(
  databaseUrl: string,
  eventId: string,
): Promise<{ unsettled: number; webhookDelay: string }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return {
      unsettled: await capturedButUnsettled(client, eventId),
      webhookDelay: await webhookDelays(client, eventId),
    };
  } finally {
    await client.end();
  }
}

/** Until the stock first ran out (1% left: sale-poll.ts) the checkout had both stock and demand: its
 * pace then, before abandoned holds' wait. Paid tickets a second (goodput), and tickets taken (held
 * or sold) a second — what the checkout served, a fifth of which abandoned holds then give back. */
function earlyPace(sale: SaleRun, tickets: number): { seconds: number; paid: number; taken: number } | null {
  const { ranOutAtMs, soldAtRunOut, leftAtRunOut } = sale.timeline;
  if (ranOutAtMs === null || soldAtRunOut === null || leftAtRunOut === null) return null;
  const seconds = Math.max(0.001, (ranOutAtMs - sale.openedAtMs) / 1_000);
  return { seconds, paid: soldAtRunOut / seconds, taken: (tickets - leftAtRunOut) / seconds };
}

function figuresOf(
  sale: SaleRun,
  capacity: Capacity,
  config: { tickets: number; holdSeconds: number },
  sold: number,
): Row {
  const stockedSeconds = sale.timeline.stockedMs / 1_000;
  const early = earlyPace(sale, config.tickets);
  // Never empty: the whole run is the early pace.
  const goodput = early?.paid ?? (stockedSeconds > 0 ? sold / stockedSeconds : 0);
  const perCapacity = (perSecond: number) => round(perSecond / capacity.paidPerSecond, 2);
  const ideal = idealEarlyGoodput(idealSaleOf(sale, config.tickets, capacity.paidPerSecond, config.holdSeconds));
  return {
    "capacity paid/s": capacity.paidPerSecond,
    "stock ran out (≤ 1% left) in s": early ? round(early.seconds) : "never",
    "goodput paid/s": round(goodput, 1),
    "goodput / capacity": perCapacity(goodput),
    "goodput target": "≥ 0.9",
    "ideal goodput / capacity": ideal === null ? "" : perCapacity(ideal),
    "goodput / ideal": ideal ? round(goodput / ideal, 2) : "",
    "taken/s until then": early ? round(early.taken, 1) : "",
    "taken / capacity": early ? perCapacity(early.taken) : "",
    "paid/s with stock, whole run": round(stockedSeconds > 0 ? sold / stockedSeconds : 0, 1),
    "seconds with stock": round(stockedSeconds),
    timeouts: sale.results.reduce((a, r) => a + r.timeouts, 0),
    "hold p99 ms": sale.holdLatency.p99Ms,
    "hold p99 target": "≤ 1000",
    "overload retries": sale.results.reduce((a, r) => a + r.overloadRetries, 0),
    tickets: config.tickets,
    sold,
    ...idealFigures(sale, config.tickets, capacity.paidPerSecond, config.holdSeconds),
    "admitted to nothing": sale.timeline.admittedToNothing,
  };
}

function connectionSplit(sale: SaleRun): string {
  const { fresh, reused } = holdByConnection(sale);
  return `${fresh.count}, ${fresh.meanMs} (${reused.count}, ${reused.meanMs})`;
}

interface SaleMarks {
  opened?: { cpu: CpuSnapshot; atMs: number };
  ranOut?: { cpu: CpuSnapshot; atMs: number };
}

/** The cores the stack and the load generators kept busy while the capacity was measured, and in the
 * sale until the stock first ran out: on a box where both share two cores, the crowd's own clients
 * take part of what the checkout had in the capacity run. */
function coresFigures(capacity: Capacity, marks: SaleMarks): Row {
  const before = coresUsed(capacity.cpu.seconds, capacity.cpu.wallSeconds);
  const { opened, ranOut } = marks;
  const sale =
    opened && ranOut ? coresUsed(cpuSplit(opened.cpu, ranOut.cpu), (ranOut.atMs - opened.atMs) / 1_000) : null;
  return {
    "stack cores, capacity → sale": `${before.stack} → ${sale?.stack ?? "–"}`,
    "generator cores, capacity → sale": `${before.generators} → ${sale?.generators ?? "–"}`,
  };
}

type Config = ReturnType<typeof configFrom>;

/** The sale: an open FIFO event with admission auto, its tickets sized so that the capacity sells
 * them in --sale-seconds. */
async function overloadEvent(url: string, config: Config, capacity: Capacity) {
  const tickets = Math.max(100, Math.round(capacity.paidPerSecond * config.saleSeconds));
  // About one ticket per arriving fan is bought (1–2 each, a third do not pay): twice the tickets in fans sells out.
  const fans = tickets * 2;
  const event = await createEvent(url, stackAdmin, {
    name: "bench overload",
    status: "on_sale",
    classes: [{ code: "GA", name: "GA", priceCents: 5_000, capacity: tickets, perOrderMax: 4 }],
    waitingRoom: {
      admission: "auto",
      admissionTtlSeconds: 120,
      holdSeconds: config.holdSeconds,
      perFanMax: 6,
      maxActiveCheckouts: 1_000_000,
    },
  });
  const classes = [{ id: event.classes[0]!.id, code: "GA", capacity: tickets }];
  return { eventId: event.id, classes, tickets, fans };
}

/** The server's totals the sale's figures are read against. */
async function serverTotals(url: string) {
  const [webhooks, holds, webhookTime] = await Promise.all([webhookAnswers(url), holdTotals(url), webhookTotals(url)]);
  return { webhooks, holds, webhookTime };
}

/** The timed phase: fans arrive at the open sale at `arrivePerSecond`; the CPU marked at the
 * opening and when the stock first ran out. */
async function timedSale(
  bench: BenchStack,
  config: Config,
  sale: Awaited<ReturnType<typeof overloadEvent>> & { arrivePerSecond: number },
) {
  const { eventId, classes, fans, arrivePerSecond } = sale;
  const { generators, seconds, holdSeconds } = config;
  const marks: SaleMarks = {};
  const open = async () => {
    marks.opened = { cpu: cpuSnapshot(), atMs: Date.now() };
    bench.profileStart();
  };
  const onRunOut = () => void (marks.ranOut = { cpu: cpuSnapshot(), atMs: Date.now() });
  const url = bench.server.url;
  const saleRun = await runSale({
    url,
    eventId,
    classes,
    fans,
    generators,
    seconds,
    holdSeconds,
    arrivePerSecond,
    open,
    onRunOut,
  });
  // prom-client's event-loop figures cover the time since the previous scrape (the one before the sale).
  const serverLoopMaxMs = Math.round(((await metric(url, "nodejs_eventloop_lag_max_seconds")) ?? 0) * 1_000);
  return { sale: saleRun, marks, serverLoopMaxMs };
}

/** The server's side since `before`: webhooks answered and refused, and its mean hold and webhook times. */
async function serverFigures(url: string, before: Awaited<ReturnType<typeof serverTotals>>) {
  const webhooksAfter = await webhookAnswers(url);
  const holdServerMs = meanBetween(before.holds, await holdTotals(url), 1_000);
  const webhookServerMs = meanBetween(before.webhookTime, await webhookTotals(url), 1_000);
  const webhooks = {
    answered: webhooksAfter.answered - before.webhooks.answered,
    refused: webhooksAfter.refused - before.webhooks.refused,
  };
  return { webhooks, holdServerMs, webhookServerMs };
}

export async function run(args: string[]): Promise<void> {
  const config = configFrom(args);
  const startedAt = new Date().toISOString();
  const env = machineInfo();
  const cal = await calibrate({ httpConcurrency: 200, sockets: 200, generators: config.generators });
  const keepAlive: Record<string, string> =
    config.keepAliveMs > 0 ? { HTTP_KEEP_ALIVE_TIMEOUT_MS: String(config.keepAliveMs) } : {};
  const bench = await startBenchStack({ env: { PRESENCE_GRACE_SECONDS: "600", ...keepAlive } });
  const url = bench.server.url;
  try {
    const capacity = await measureCapacity(url, { seconds: config.capacitySeconds });
    const target = await overloadEvent(url, config, capacity);
    const { eventId, tickets, fans } = target;
    const arrivePerSecond = Math.max(1, Math.round(capacity.paidPerSecond * config.factor));
    const before = await serverTotals(url);
    const { sale, marks, serverLoopMaxMs } = await timedSale(bench, config, { ...target, arrivePerSecond });
    const report = await saleReport(url, eventId, sale);
    const audit = await audits(url, eventId, config.holdSeconds);
    const { unsettled, webhookDelay } = await settlementFigures(bench.stack.db.url, eventId);
    const server = await serverFigures(url, before);
    writeResult({
      name: "overload",
      title: `fans arriving at ${config.factor}× the checkout's capacity, admission auto`,
      startedAt,
      env,
      config: { ...config, tickets, fans, arrivePerSecond },
      calibration: cal.rows,
      figures: [
        {
          ...figuresOf(sale, capacity, { tickets, holdSeconds: config.holdSeconds }, report.sold),
          ...fairnessFigures(report.fairness),
          ...coresFigures(capacity, marks),
          "hold mean ms (client / server)": `${sale.holdLatency.meanMs} / ${server.holdServerMs ?? "–"}`,
          "holds on new connections: n, mean ms (reused: n, mean)": connectionSplit(sale),
          "loop delay max ms (generators / server)": `${Math.max(...sale.results.map((r) => r.loopDelay.maxMs))} / ${serverLoopMaxMs}`,
          "captured in time, unsettled": unsettled,
          "webhooks refused (503)": `${server.webhooks.refused} of ${server.webhooks.answered}`,
          "payment webhook p50 / p99 ms (event → 2xx)": webhookDelay,
          "webhook mean ms (server)": server.webhookServerMs ?? "–",
          "audit ok": audit.atEnd,
          "audit ok after draining": audit.drained === null ? "" : (audit.drained as { ok: boolean }).ok,
        },
      ],
      extra: { ...report.extra, capacity, auditAfterDraining: audit.drained },
      notes: report.notes,
    });
  } finally {
    await bench.close();
  }
}
