// Benchmark `flash-sale` (performance.md): fans collect in the pre-queue of a scheduled lottery
// sale, the admin opens it, the lottery numbers them, admission runs, and fans buy 1,300 tickets in
// three tiers (100/200/1,000) — 20% abandon, 10% decline, 5% pay late. Every fan here is a
// socket fan (sockets cost the server far less than 20,000 fans polling REST). A server process's
// open-files limit on this box is 20,000, so the spec's 20,000 fans run on 2 nodes: --nodes N
// starts N server processes on one database and Redis and spreads the fans over them, round-robin
// by fan (each fan's socket and holds on its node; sessions, payments and webhooks on the first).
// Figures: time to sell out, admissions/s, sold-out broadcast latency (each socket's first
// queue:status "sold_out" − the earlier of the server's first sold_out frame (its sentAtMs) and the
// parent's 100 ms stats poll first seeing sold = capacity),
// and the server's fairness report of the sale (GET /api/admin/events/:id/fairness: inversions — a
// later number admitted before an earlier one —, time in line, drop-off, conversion, tickets by
// tenth of the line; printed after the figures), the audit at the end.
// Admission is `auto` by default — no operator setting: the room steers its own rate from the
// checkout's health — and the sell-out time is compared with the ideal: the same fans through a
// checkout always at its capacity, measured the `purchase` way on the same stack first (lib/ideal.ts). `--admission manual` admits at
// --admit-per-minute instead (measured before auto existed: 20/s sold out with every invariant;
// 40/s and 90/s overloaded the checkout).
// Also counted: fans admitted while nothing was available to buy (must be 0 in auto).
//   npm run bench -- flash-sale [--fans 5000] [--nodes 1] [--generators 4] [--seconds 120] [--hold-seconds 10] [--admission auto|manual]
//     [--admit-per-minute 1200] [--max-active 2000] [--capacity-seconds 10]
import { auditOk } from "../server/test/support/checkout.js";
import { stackAdmin } from "../server/test/support/stack.js";
import { createEvent } from "../server/test/support/fans.js";
import { calibrate } from "./lib/calibrate.js";
import { measureCapacity, type Capacity } from "./lib/capacity.js";
import { machineInfo, writeResult, type Row } from "./lib/result.js";
import { idealFigures, runSale, saleReport, type SaleRun } from "./lib/sale-run.js";
import { fairnessFigures } from "./lib/fairness.js";
import type { FairnessSummary } from "@stampede/shared/api/fairness";
import { adminAuth, flag, numFlag, startBenchStack } from "./lib/stack.js";
import { round } from "./lib/stats.js";

const tiers = [
  { code: "VIP", capacity: 100 },
  { code: "FRONT", capacity: 200 },
  { code: "GA", capacity: 1_000 },
];

function configFrom(args: string[]) {
  return {
    fans: numFlag(args, "fans", 5_000),
    nodes: Math.max(1, numFlag(args, "nodes", 1)),
    generators: numFlag(args, "generators", 4),
    seconds: numFlag(args, "seconds", 120),
    holdSeconds: numFlag(args, "hold-seconds", 10),
    admission: flag(args, "admission") === "manual" ? ("manual" as const) : ("auto" as const),
    admitPerMinute: numFlag(args, "admit-per-minute", 1_200),
    maxActiveCheckouts: numFlag(args, "max-active", 2_000),
    capacitySeconds: numFlag(args, "capacity-seconds", 10),
    tiers,
  };
}

type Config = ReturnType<typeof configFrom>;

async function lotterySale(url: string, config: Config) {
  const rate =
    config.admission === "manual"
      ? { admission: "manual", admitPerMinute: config.admitPerMinute }
      : { admission: "auto" };
  const event = await createEvent(url, stackAdmin, {
    name: "bench flash sale",
    status: "scheduled",
    classes: tiers.map((t) => ({
      code: t.code,
      name: t.code,
      priceCents: 5_000,
      capacity: t.capacity,
      perOrderMax: 4,
    })),
    waitingRoom: {
      mode: "lottery",
      ...rate,
      maxActiveCheckouts: config.maxActiveCheckouts,
      admissionTtlSeconds: 60,
      holdSeconds: config.holdSeconds,
      perFanMax: 6,
    },
  });
  const classes = event.classes.map((k) => ({
    id: k.id,
    code: k.code,
    capacity: tiers.find((t) => t.code === k.code)!.capacity,
  }));
  const open = async () => {
    const res = await fetch(`${url}/api/admin/events/${event.id}/status`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: adminAuth },
      body: JSON.stringify({ status: "on_sale" }),
    });
    if (res.status !== 200) throw new Error(`opening the sale answered ${res.status}: ${await res.text()}`);
  };
  return { eventId: event.id, classes, open };
}

function figuresOf(
  config: Config,
  sale: SaleRun,
  capacity: Capacity,
  report: { sold: number; fairness: FairnessSummary },
  audit: boolean,
): Row {
  const tickets = tiers.reduce((a, t) => a + t.capacity, 0);
  const admitted = sale.fans.filter((f) => f.admittedAtMs !== null);
  const lastAdmit = Math.max(...admitted.map((f) => f.admittedAtMs!));
  const firstFrame = Math.min(...sale.fans.filter((f) => f.soldOutSentAtMs !== null).map((f) => f.soldOutSentAtMs!));
  return {
    fans: config.fans,
    nodes: config.nodes,
    admission: config.admission,
    connected: sale.results.reduce((a, r) => a + r.connected, 0),
    "capacity paid/s": capacity.paidPerSecond,
    ...idealFigures(sale, tickets, capacity.paidPerSecond, config.holdSeconds),
    "stock ran out (≤ 1% left) in s":
      sale.timeline.ranOutAtMs === null ? "" : round((sale.timeline.ranOutAtMs - sale.openedAtMs) / 1_000),
    "admissions/s": admitted.length
      ? Math.round(admitted.length / Math.max(0.001, (lastAdmit - sale.openedAtMs) / 1_000))
      : 0,
    admitted: admitted.length,
    "admitted to nothing": sale.timeline.admittedToNothing,
    "told sold out": `${sale.told.length}/${sale.fans.length}`,
    "told within 2 s": sale.told.filter((t) => t <= 2_000).length,
    "sold-out told p50 ms": sale.toldLatency.p50Ms,
    "p99 ms": sale.toldLatency.p99Ms,
    "max ms": sale.toldLatency.maxMs,
    "first frame − poll ms":
      sale.timeline.soldOutAtMs === null || !Number.isFinite(firstFrame)
        ? null
        : firstFrame - sale.timeline.soldOutAtMs,
    "hold p99 ms": sale.holdLatency.p99Ms,
    "hold p50 ms": sale.holdLatency.p50Ms,
    timeouts: sale.results.reduce((a, r) => a + r.timeouts, 0),
    "overload retries": sale.results.reduce((a, r) => a + r.overloadRetries, 0),
    ...fairnessFigures(report.fairness),
    sold: report.sold,
    "audit ok": audit,
  };
}

export async function run(args: string[]): Promise<void> {
  const config = configFrom(args);
  const startedAt = new Date().toISOString();
  const env = machineInfo();
  const cal = await calibrate({ httpConcurrency: 200, sockets: 200, generators: config.generators });
  const bench = await startBenchStack({ env: { PRESENCE_GRACE_SECONDS: "600" }, nodes: config.nodes });
  const url = bench.server.url;
  const urls = bench.servers.map((s) => s.url);
  try {
    const capacity = await measureCapacity(url, { seconds: config.capacitySeconds });
    const { eventId, classes, open } = await lotterySale(url, config);
    const { fans, generators, seconds, holdSeconds } = config;
    const sale = await runSale({ url, urls, eventId, classes, fans, generators, seconds, holdSeconds, open });
    const report = await saleReport(url, eventId, sale);
    writeResult({
      name: "flash-sale",
      title:
        `${config.fans} socket fans on ${config.nodes} node(s) in a lottery pre-queue, ` +
        `1,300 tickets in 3 tiers, admission ${config.admission}`,
      startedAt,
      env,
      config,
      calibration: cal.rows,
      figures: [figuresOf(config, sale, capacity, report, await auditOk(url, eventId, adminAuth))],
      extra: {
        ...report.extra,
        classes: report.stats.classes,
        capacity,
        retries: sale.results.reduce((a, r) => a + r.retries, 0),
      },
      notes: report.notes,
    });
  } finally {
    await bench.close();
  }
}
