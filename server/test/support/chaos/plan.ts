// What a chaos run will do, decided entirely by its seed before anything starts: the sale's size,
// every fan's arrival and decisions, and the faults with their moments. Printing it first means a
// failing seed can be read, and rerun, as it was.
import { SeededRandom } from "./random.js";

export type FanBehaviour = "pay" | "abandon" | "decline" | "late";

export interface FanPlan {
  index: number;
  arriveAtMs: number;
  behaviour: FanBehaviour;
  /** Sends the hold twice at once with the same Idempotency-Key (an impatient double click). */
  doubleClick: boolean;
  tier: number;
  quantity: number;
  /** Time spent choosing before the hold and typing before paying. */
  thinkMs: number;
  /** A late payer pays this long after the hold's expiry. */
  lateByMs: number;
}

export type FaultKind = "kill-server" | "kill-workers" | "restart-redis" | "restart-postgres";

export interface FaultPlan {
  atMs: number;
  kind: FaultKind;
  /** Which of the two server or workers processes (kill), unused otherwise. */
  slot: number;
  /** How long the dependency stays down (restarts). */
  downMs: number;
}

export interface ChaosSize {
  fans: number;
  /** Fans arrive spread over this window; the faults fall inside it. */
  arrivalMs: number;
  holdSeconds: number;
}

export interface ChaosPlan {
  seed: number;
  size: ChaosSize;
  tiers: Array<{ code: string; capacity: number }>;
  /** Whether the Redis restart keeps its data (append-only file) or comes back empty. */
  redisKeepsData: boolean;
  fans: FanPlan[];
  faults: FaultPlan[];
}

export const fullSize: ChaosSize = { fans: 300, arrivalMs: 45_000, holdSeconds: 10 };
/** Small enough for npm test (well under a minute of sale). */
export const quickSize: ChaosSize = { fans: 60, arrivalMs: 12_000, holdSeconds: 5 };

const behaviours: Array<[FanBehaviour, number]> = [
  ["abandon", 0.2],
  ["decline", 0.1],
  ["late", 0.1],
  ["pay", 0.6],
];
const faultKinds: FaultKind[] = ["kill-server", "kill-workers", "restart-redis", "restart-postgres"];

function fanPlan(r: SeededRandom, index: number, size: ChaosSize): FanPlan {
  return {
    index,
    arriveAtMs: Math.floor(r.float() * size.arrivalMs),
    behaviour: r.pick(behaviours),
    doubleClick: r.chance(0.25),
    tier: r.chance(0.8) ? 0 : 1,
    quantity: r.int(1, 2),
    thinkMs: r.int(200, 1_500),
    lateByMs: r.int(1_000, 3_000),
  };
}

/** The four faults in a seeded order at seeded moments, at least a tenth of the window apart. */
function faultPlans(r: SeededRandom, size: ChaosSize, quick: boolean): FaultPlan[] {
  const order = [...faultKinds];
  for (let i = order.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const gap = size.arrivalMs / 10;
  let at = size.arrivalMs * 0.1;
  return order.map((kind) => {
    at += gap + r.float() * gap;
    return { atMs: Math.floor(at), kind, slot: r.int(0, 1), downMs: quick ? r.int(300, 1_000) : r.int(500, 3_000) };
  });
}

export function makePlan(seed: number, size: ChaosSize, quick: boolean): ChaosPlan {
  const r = new SeededRandom(seed);
  // Demand is about 1.5 tickets a fan; stock for about half of it, so the sale sells out and late
  // payments meet both "stock left" and "none left".
  const stock = Math.max(4, Math.round(size.fans * 0.75));
  const tiers = [
    { code: "GA", capacity: Math.round(stock * 0.8) },
    { code: "VIP", capacity: Math.max(2, Math.round(stock * 0.2)) },
  ];
  const redisKeepsData = quick ? true : r.chance(0.5);
  const faults = faultPlans(r, size, quick);
  const fans = Array.from({ length: size.fans }, (_, i) => fanPlan(r, i, size));
  return { seed, size, tiers, redisKeepsData, fans, faults };
}

const faultWords: Record<FaultKind, (f: FaultPlan, plan: ChaosPlan) => string> = {
  "kill-server": (f) => `kill -9 server ${f.slot + 1} of 2, start a replacement`,
  "kill-workers": (f) => `kill -9 workers ${f.slot + 1} of 2, start a replacement`,
  "restart-redis": (f, plan) =>
    `restart Redis (kill -9, down ${f.downMs} ms, ${plan.redisKeepsData ? "data kept in its append-only file" : "comes back empty"})`,
  "restart-postgres": (f) => `restart PostgreSQL (pg_ctl stop -m immediate, down ${f.downMs} ms, start)`,
};

export function describeFault(f: FaultPlan, plan: ChaosPlan): string {
  return faultWords[f.kind](f, plan);
}

export function planLines(plan: ChaosPlan): string[] {
  const count = (b: FanBehaviour) => plan.fans.filter((f) => f.behaviour === b).length;
  return [
    `chaos: seed ${plan.seed}`,
    `plan: ${plan.fans.length} fans over ${plan.size.arrivalMs / 1000} s — ${count("pay")} pay, ${count("abandon")} abandon their hold, ` +
      `${count("decline")} decline, ${count("late")} pay after expiry; ${plan.fans.filter((f) => f.doubleClick).length} double-click; ` +
      `holds last ${plan.size.holdSeconds} s`,
    `stock: ${plan.tiers.map((t) => `${t.code} ${t.capacity}`).join(", ")}`,
    "faults:",
    ...plan.faults.map((f) => `  at +${(f.atMs / 1000).toFixed(1)}s  ${describeFault(f, plan)}`),
  ];
}
