// One sale driven by flash-fan generators (gen/flash.ts) and watched from the admin's stats: the
// part `flash-sale` and `overload` share. The caller makes the event; `open` runs at "go" (the
// admin opening a scheduled sale), or nothing when the sale is already on and fans arrive over time.
import type { FairnessSummary } from "@stampede/shared/api/fairness";
import { fairnessLines, fairnessOf } from "./fairness.js";
import { runGenerators } from "./child.js";
import { idealSellOutSeconds, type IdealSale } from "./ideal.js";
import { adminAuth } from "./stack.js";
import { split } from "./merge.js";
import { firstIndexes } from "./nodes.js";
import { noTimeline, runOutLeftMax, watchSale, type SaleTimeline } from "./sale-poll.js";
import type { Row } from "./result.js";
import { round, summarize, type LatencySummary } from "./stats.js";
import type { FlashFanRecord, FlashGenResult } from "../gen/flash.js";

export interface SaleRunInput {
  url: string;
  /** Server nodes the fans are spread over, round-robin by fan (lib/nodes.ts); absent: all on `url`. */
  urls?: string[];
  eventId: string;
  classes: Array<{ id: string; code: string; capacity: number }>;
  fans: number;
  generators: number;
  seconds: number;
  holdSeconds: number;
  /** Fans per second joining after "go" over all generators; absent: they wait in the pre-queue. */
  arrivePerSecond?: number;
  open?: () => Promise<void>;
  /** Called when the stats first show the stock run out (sale-poll.ts). */
  onRunOut?: () => void;
}

export interface SaleRun {
  fans: FlashFanRecord[];
  results: FlashGenResult[];
  openedAtMs: number;
  timeline: SaleTimeline;
  /** Sold out at the earlier of the stats poll seeing everything sold and the server's first sold_out frame. */
  soldOutAtMs: number | null;
  /** How long after sold out each fan was told so. */
  told: number[];
  toldLatency: LatencySummary;
  holdLatency: LatencySummary;
  outcomes: Record<string, number>;
}

export async function runSale(input: SaleRunInput): Promise<SaleRun> {
  const tickets = input.classes.reduce((a, k) => a + k.capacity, 0);
  let openedAtMs = 0;
  let watcher: ReturnType<typeof watchSale> | null = null;
  const parts = split(input.fans, input.generators);
  const firsts = firstIndexes(parts);
  const { results } = await runGenerators<FlashGenResult>(
    "flash",
    parts.map((n, g) => ({
      deadlineSeconds: input.seconds + 600,
      url: input.url,
      ...(input.urls && input.urls.length > 1 ? { urls: input.urls, firstIndex: firsts[g]! } : {}),
      eventId: input.eventId,
      classes: input.classes,
      fans: n,
      seconds: input.seconds,
      holdSeconds: input.holdSeconds,
      localAddress: `127.0.0.${2 + g}`,
      seed: 1_000 + g,
      ...(input.arrivePerSecond ? { arrivePerSecond: (input.arrivePerSecond * n) / input.fans } : {}),
    })),
    async () => {
      await input.open?.();
      openedAtMs = Date.now();
      watcher = watchSale(input.url, input.eventId, tickets, input.onRunOut);
    },
  );
  const timeline = (await (watcher as ReturnType<typeof watchSale> | null)?.stop()) ?? noTimeline();
  const fans = results.flatMap((r) => r.fans);
  const outcomes: Record<string, number> = {};
  for (const f of fans) outcomes[f.outcome] = (outcomes[f.outcome] ?? 0) + 1;
  const firstFrame = Math.min(...fans.filter((f) => f.soldOutSentAtMs !== null).map((f) => f.soldOutSentAtMs!));
  const soldOut = Math.min(timeline.soldOutAtMs ?? Infinity, firstFrame);
  const told = Number.isFinite(soldOut)
    ? fans.filter((f) => f.soldOutToldAtMs !== null).map((f) => f.soldOutToldAtMs! - soldOut)
    : [];
  return {
    fans,
    results,
    openedAtMs,
    timeline,
    soldOutAtMs: Number.isFinite(soldOut) ? soldOut : null,
    told,
    toldLatency: summarize(told),
    holdLatency: summarize(fans.flatMap((f) => (f.holdMs === null ? [] : [f.holdMs]))),
    outcomes,
  };
}

/** Hold latency on connections opened for the hold and on connections kept alive: a busy server
 * accepts one new connection per turn of its event loop, so the first can wait in its accept queue. */
export function holdByConnection(sale: SaleRun): { fresh: LatencySummary; reused: LatencySummary } {
  const held = (fresh: boolean) =>
    sale.fans.flatMap((f) => (f.holdMs !== null && f.holdFresh === fresh ? [f.holdMs] : []));
  return { fresh: summarize(held(true)), reused: summarize(held(false)) };
}

/** These fans in their line order, through the ideal checkout (ideal.ts). */
export function idealSaleOf(sale: SaleRun, tickets: number, capacityPerSecond: number, holdSeconds: number): IdealSale {
  const byLine = (a: FlashFanRecord, b: FlashFanRecord) =>
    (a.queueNumber ?? Infinity) - (b.queueNumber ?? Infinity) ||
    (a.joinedAtMs ?? Infinity) - (b.joinedAtMs ?? Infinity);
  const fans = [...sale.fans].sort(byLine).map((f) => ({
    joinedAtS: f.joinedAtMs === null ? 0 : Math.max(0, (f.joinedAtMs - sale.openedAtMs) / 1_000),
    quantity: f.quantity,
    behaviour: f.behaviour,
  }));
  return { tickets, capacityPerSecond, holdSeconds, fans, runOutLeft: runOutLeftMax(tickets) };
}

/** Sell-out time against the ideal of these fans (and against tickets ÷ capacity, the ideal that ignores abandoned holds). */
export function idealFigures(sale: SaleRun, tickets: number, capacityPerSecond: number, holdSeconds: number): Row {
  const soldOutSeconds = sale.soldOutAtMs === null ? null : (sale.soldOutAtMs - sale.openedAtMs) / 1_000;
  const ideal = idealSellOutSeconds(idealSaleOf(sale, tickets, capacityPerSecond, holdSeconds));
  return {
    "sold out in s": soldOutSeconds === null ? "not within the run" : round(soldOutSeconds),
    "ideal s": ideal === null ? "these fans cannot buy every ticket" : round(ideal),
    "× ideal": soldOutSeconds === null || ideal === null ? "" : round(soldOutSeconds / ideal, 2),
    "× ideal target": "≤ 1.2",
    "tickets ÷ capacity s": capacityPerSecond > 0 ? round(tickets / capacityPerSecond) : "",
  };
}

interface FinalStats {
  classes: Array<{ code: string; capacity: number; available: number; held: number; sold: number }>;
  orders: Record<string, number>;
}

/** The event's figures once the sale is over; right after it the server may still be busy (or answer 503), so it retries. */
export async function finalStats(url: string, eventId: string, errors: string[]): Promise<FinalStats> {
  for (let i = 0; i < 10; i++) {
    const res = await fetch(`${url}/api/admin/events/${eventId}/stats`, { headers: { authorization: adminAuth } });
    const body = (await res.json()) as FinalStats;
    if (Array.isArray(body.classes)) return body;
    errors.push(`final stats: ${JSON.stringify(body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return { classes: [], orders: {} };
}

export interface SteerStep {
  atMs: number;
  ratePerMinute: number;
  reason: string;
  holdP95Ms: number | null;
  settlementLagMs: number | null;
}

/** The admission controller's steps over the sale (GET /api/admin/events/:id/admission), oldest first. */
export async function admissionSteps(url: string, eventId: string): Promise<SteerStep[]> {
  const res = await fetch(`${url}/api/admin/events/${eventId}/admission`, { headers: { authorization: adminAuth } });
  return res.status === 200 ? ((await res.json()) as { history: SteerStep[] }).history : [];
}

/** How long the rate spent for each reason, and its range: "settlementLagMs 12 s, recovering 30 s; 60–4,800/min". */
export function steeringSummary(steps: readonly SteerStep[]): string {
  if (steps.length === 0) return "none recorded";
  const seconds: Record<string, number> = {};
  for (const s of steps) seconds[s.reason] = (seconds[s.reason] ?? 0) + 1;
  const rates = steps.map((s) => s.ratePerMinute);
  const reasons = Object.entries(seconds)
    .map(([r, n]) => `${r} ${n} s`)
    .join(", ");
  return `${reasons}; ${Math.min(...rates)}–${Math.max(...rates)}/min`;
}

/** What both sale benchmarks report once the sale is over: the final figures, the first errors, the
 * controller's steps, and the notes that say them in words. */
export interface SaleReport {
  stats: FinalStats;
  sold: number;
  /** The server's fairness audit of the sale (inversions, time in line, tickets by tenth of the line). */
  fairness: FairnessSummary;
  extra: {
    errors: string[];
    outcomes: Record<string, number>;
    orders: Record<string, number>;
    firstErrors: string[];
    steering: SteerStep[];
    /** When the sale opened (the steering log's clock), and the fans joining and admitted each second after. */
    openedAtMs: number;
    perSecond: Array<{ s: number; joined: number; admitted: number }>;
    fairness: FairnessSummary;
  };
  notes: string[];
}

/** Fans joining and admitted in each second after the sale opened: the admissions beside the
 * controller's rate (the steering log), to tell a rate held low from a room kept shut by the stock. */
export function perSecond(sale: SaleRun): Array<{ s: number; joined: number; admitted: number }> {
  const rows: Array<{ s: number; joined: number; admitted: number }> = [];
  const count = (atMs: number | null, key: "joined" | "admitted") => {
    if (atMs === null || atMs < sale.openedAtMs) return;
    const s = Math.floor((atMs - sale.openedAtMs) / 1_000);
    while (rows.length <= s) rows.push({ s: rows.length, joined: 0, admitted: 0 });
    rows[s]![key]++;
  };
  for (const f of sale.fans) {
    count(f.joinedAtMs, "joined");
    count(f.admittedAtMs, "admitted");
  }
  return rows;
}

export async function saleReport(url: string, eventId: string, sale: SaleRun): Promise<SaleReport> {
  const errors = [...sale.timeline.errors];
  const stats = await finalStats(url, eventId, errors);
  const firstErrors = sale.results.flatMap((r) => r.firstErrors).slice(0, 5);
  const steering = await admissionSteps(url, eventId);
  const fairness = await fairnessOf(url, eventId, sale.fans.filter((f) => f.queueNumber !== null).length);
  return {
    stats,
    sold: stats.classes.reduce((a, c) => a + c.sold, 0),
    fairness,
    extra: {
      fairness,
      errors,
      outcomes: sale.outcomes,
      orders: stats.orders,
      firstErrors,
      steering,
      openedAtMs: sale.openedAtMs,
      perSecond: perSecond(sale),
    },
    notes: [
      ...errors,
      `fan outcomes: ${JSON.stringify(sale.outcomes)}`,
      `orders: ${JSON.stringify(stats.orders)}`,
      ...firstErrors,
      `admission steps (why the rate moved): ${steeringSummary(steering)}`,
      ...fairnessLines(fairness),
    ],
  };
}
