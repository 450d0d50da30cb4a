// Benchmark `purchase` (performance.md): the TigerFans shape, closed loop at concurrency 30 and
// 200: hold → MockPay complete (succeeded) → webhook (MockPay) → order `paid` observed by polling
// GET /api/orders/:id every 100 ms → next. Admission tokens are fetched before the timed phase.
// The paid order is observed as the app's order page sees it: `order:update` pushed to the fan's
// socket (`--observe poll` polls GET /api/orders/:id every 100 ms instead).
// MockPay runs in its own process, as a real provider does, so the shop's CPU per ticket is
// reported apart from the provider's (`--mockpay inside` mounts it in the shop's server instead).
//   npm run bench -- purchase [--concurrency 30,200] [--seconds 10] [--fans 3000] [--generators 1] [--observe push|poll]
//     [--mockpay apart|inside]
import { auditOk } from "../server/test/support/checkout.js";
import { calibrate, fraction, type Calibration } from "./lib/calibrate.js";
import { runGenerators } from "./lib/child.js";
import { mergeHttp, okCount, split, type Merged } from "./lib/merge.js";
import { machineInfo, markdownTable, writeResult, type Row } from "./lib/result.js";
import { adminAuth, benchEvent, flag, numFlag, startBenchStack, type BenchStack } from "./lib/stack.js";
import { postgresKinds } from "./lib/pg-backends.js";
import { cpuNote, cpuSnapshot, cpuSplit, shopAndProvider } from "./lib/proc-cpu.js";
import { ledgerBatchTotals, meanBetween, webhookTotals } from "./lib/server-metrics.js";
import { round, summarize } from "./lib/stats.js";
import type { HttpGenResult } from "./gen/http.js";

/** Paid tickets per second at c=200 as a fraction of the same run's GET /noop rate (five times the
 * 0.026 measured before the purchase was batched). */
const paidPerNoopTarget = 0.12;
const paidTarget = (noopPerSecond: number) =>
  `≥ ${Math.round(paidPerNoopTarget * noopPerSecond)} (${paidPerNoopTarget} of GET /noop)`;

function configFrom(args: string[]) {
  return {
    concurrency: (flag(args, "concurrency") ?? "30,200").split(",").map(Number),
    seconds: numFlag(args, "seconds", 10),
    fans: numFlag(args, "fans", 3_000),
    generators: numFlag(args, "generators", 1),
    observe: flag(args, "observe") === "poll" ? ("poll" as const) : ("push" as const),
    /** MockPay in its own process (default), as a real provider is, or inside the shop's server. */
    mockpay: flag(args, "mockpay") === "inside" ? ("inside" as const) : ("apart" as const),
  };
}

type Config = ReturnType<typeof configFrom>;

/** The timed phase at concurrency c: purchases in a closed loop; the ledger's batches, the webhooks'
 * time and the CPU counted from the go. */
async function timedPurchases(bench: BenchStack, config: Config, c: number) {
  const event = await benchEvent(bench.server.url, {
    name: `bench purchase c=${c}`,
    classes: [{ code: "GA", capacity: 10_000_000 }],
  });
  let batchBefore = { sum: 0, count: 0 };
  let webhookBefore = { sum: 0, count: 0 };
  let cpuBefore = cpuSnapshot();
  const { results } = await runGenerators<HttpGenResult>(
    "http",
    split(config.fans, config.generators).map((count) => ({
      deadlineSeconds: 600,
      mode: "purchase",
      url: bench.server.url,
      concurrency: Math.ceil(c / config.generators),
      seconds: config.seconds,
      count,
      eventId: event.id,
      classId: event.classes[0]!.id,
      observe: config.observe,
      ...(bench.mockpayUrl ? { mockpayUrl: bench.mockpayUrl } : {}),
    })),
    async () => {
      batchBefore = await ledgerBatchTotals(bench.server.url);
      webhookBefore = await webhookTotals(bench.server.url);
      cpuBefore = cpuSnapshot();
      bench.profileStart();
    },
  );
  const cpuSeconds = cpuSplit(cpuBefore, cpuSnapshot(), await postgresKinds(bench.stack.db.url));
  const batch = meanBetween(batchBefore, await ledgerBatchTotals(bench.server.url));
  const webhookMs = meanBetween(webhookBefore, await webhookTotals(bench.server.url), 1_000);
  return { eventId: event.id, results, cpuSeconds, batch, webhookMs };
}

/** The figures of one concurrency's run. */
function purchaseFigures(
  c: number,
  m: Merged,
  cal: Calibration,
  measured: { paid: number; batch: number | null; webhookMs: number | null; cpuSeconds: Record<string, number> },
  audit: boolean,
): Row {
  const { paid } = measured;
  const perSecond = round(paid / m.elapsedSeconds, 1);
  const { shopMs, providerMs } = shopAndProvider(measured.cpuSeconds, paid);
  return {
    concurrency: c,
    "paid tickets/s": perSecond,
    target: c === 200 ? paidTarget(cal.httpPerSecond) : "",
    "p50 ms": m.latency.p50Ms,
    "p90 ms": m.latency.p90Ms,
    "p99 ms": m.latency.p99Ms,
    "p99 target": c === 200 ? "≤ 500" : "",
    paid,
    errors: m.ops - paid,
    "mean ledger batch": measured.batch,
    "webhook mean ms": measured.webhookMs,
    seconds: round(m.elapsedSeconds),
    "fraction of GET /noop": fraction(perSecond, cal.httpPerSecond),
    "shop CPU ms/ticket": shopMs,
    "shop CPU target": c === 200 ? "≤ 3" : "",
    "provider CPU ms/ticket": providerMs,
    "audit ok": audit,
  };
}

/** Where an op's time goes: each step's latencies, the order polls made and the pushes that never came. */
function stepsOf(results: HttpGenResult[]) {
  const step = (k: "holdMs" | "payMs" | "paidMs") => summarize(results.flatMap((r) => r.steps?.[k] ?? []));
  return {
    hold: step("holdMs"),
    mockpayComplete: step("payMs"),
    completeToPaidObserved: step("paidMs"),
    ordersPolled: results.reduce((a, r) => a + (r.steps?.polls ?? 0), 0),
    pushesMissed: results.reduce((a, r) => a + (r.steps?.pushesMissed ?? 0), 0),
  };
}

/** One closed-loop run at concurrency c on a stack of its own: its calibration, figures, and steps. */
async function atConcurrency(config: Config, c: number) {
  const cal: Calibration = await calibrate({ httpConcurrency: c, sockets: c, generators: config.generators });
  const bench = await startBenchStack({ mockpay: config.mockpay === "apart" });
  try {
    const { eventId, results, cpuSeconds, batch, webhookMs } = await timedPurchases(bench, config, c);
    const m = mergeHttp(results);
    const paid = okCount(m.statuses, "paid");
    const audit = await auditOk(bench.server.url, eventId, adminAuth);
    const figures = purchaseFigures(c, m, cal, { paid, batch, webhookMs, cpuSeconds }, audit);
    const steps = stepsOf(results);
    const extra = {
      statuses: m.statuses,
      firstErrors: m.firstErrors,
      steps,
      cpuSeconds,
      cpu: cpuNote(cpuSeconds, paid, "paid ticket"),
    };
    const stepRows: Row[] = (["hold", "mockpayComplete", "completeToPaidObserved"] as const).map((k) => ({
      concurrency: c,
      step: k,
      "p50 ms": steps[k].p50Ms,
      "p99 ms": steps[k].p99Ms,
      "GET order polls/s": round(steps.ordersPolled / m.elapsedSeconds),
      "pushes missed": steps.pushesMissed,
    }));
    return { calRows: cal.rows, figures, extra, stepRows };
  } finally {
    await bench.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const config = configFrom(args);
  const startedAt = new Date().toISOString();
  const env = machineInfo();
  const figures: Row[] = [];
  const calRows: Row[] = [];
  const extra: Record<string, unknown> = {};
  const stepRows: Row[] = [];
  for (const c of config.concurrency) {
    const one = await atConcurrency(config, c);
    calRows.push(...one.calRows);
    figures.push(one.figures);
    extra[`c${c}`] = one.extra;
    stepRows.push(...one.stepRows);
  }
  writeResult({
    name: "purchase",
    title: `hold → MockPay → webhook → paid observed (${config.observe === "push" ? "order:update push" : "100 ms poll"}), closed loop`,
    startedAt,
    env,
    config,
    calibration: calRows,
    figures,
    extra: { ...extra, steps: stepRows },
    notes: [
      `where an op's time goes:\n\n${markdownTable(stepRows)}\n`,
      ...Object.entries(extra).map(
        ([k, v]) => `${k}: ${JSON.stringify((v as { statuses: unknown }).statuses)}; ${(v as { cpu: string }).cpu}`,
      ),
    ],
  });
}
