// The fairness audit's figures, from one row per fan who joined an event's line (the admission
// records joined with the fan's orders): inversions of admission order, time in line, drop-off,
// conversion, tickets by queue-position decile and fans admitted after the stock ran out. Pure:
// the server reads the rows and the sold-out moment, this computes, the routes answer.
import type { FairnessRecord, FairnessSummary, FanOutcome } from "../api/fairness.js";
import { fanOutcomes } from "../api/fairness.js";
import { countInversions } from "./inversions.js";

/** One fan's facts. Times are epoch ms; null when it did not happen (or was not recorded). */
export interface FairnessRow {
  fanId: string;
  queueNumber: number | null;
  joinedAtMs: number | null;
  admittedAtMs: number | null;
  leftAtMs: number | null;
  /** The fan's orders for the event, any status. */
  orders: number;
  /** Tickets in the fan's paid orders. */
  paidTickets: number;
}

const admissionOrderPointsMax = 400;

/** A fan who paid bought; one who placed a hold but never paid held; an admitted fan without an
 * order came and went; one never admitted left the line or is still in it. */
export function fanOutcome(row: FairnessRow): FanOutcome {
  if (row.paidTickets > 0) return "bought";
  if (row.orders > 0) return "held_not_bought";
  if (row.admittedAtMs !== null) return "admitted_no_hold";
  return row.leftAtMs !== null ? "left" : "never_admitted";
}

/** Nearest-rank percentile of ascending values; null for none. */
export function percentile(sortedAsc: readonly number[], p: number): number | null {
  if (sortedAsc.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAsc.length));
  return sortedAsc[rank - 1]!;
}

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

export function fairnessSummary(
  eventId: string,
  rows: readonly FairnessRow[],
  soldOutAtMs: number | null,
  nowMs: number,
): FairnessSummary {
  const outcomes = Object.fromEntries(fanOutcomes.map((o) => [o, 0])) as Record<FanOutcome, number>;
  for (const row of rows) outcomes[fanOutcome(row)]++;
  const admitted = rows.filter((r) => r.admittedAtMs !== null);
  const numbered = admitted.filter((r) => r.queueNumber !== null) as Array<FairnessRow & { queueNumber: number }>;
  const waits = admitted
    .filter((r) => r.joinedAtMs !== null)
    .map((r) => Math.max(0, r.admittedAtMs! - r.joinedAtMs!))
    .sort((a, b) => a - b);
  const bought = admitted.filter((r) => r.paidTickets > 0).length;
  const notAdmitted = outcomes.left + outcomes.never_admitted;
  return {
    eventId,
    generatedAt: new Date(nowMs).toISOString(),
    fans: { joined: rows.length, admitted: admitted.length, outcomes },
    inversions: countInversions(numbered.map((r) => ({ queueNumber: r.queueNumber, admittedAtMs: r.admittedAtMs! }))),
    timeInLine: {
      samples: waits.length,
      p50Ms: percentile(waits, 50),
      p90Ms: percentile(waits, 90),
      p99Ms: percentile(waits, 99),
    },
    dropOff: {
      leftBeforeAdmission: outcomes.left,
      neverAdmitted: outcomes.never_admitted,
      rate: rate(notAdmitted, rows.length),
    },
    conversion: { admitted: admitted.length, bought, rate: rate(bought, admitted.length) },
    deciles: decileFigures(rows),
    soldOutAt: soldOutAtMs === null ? null : new Date(soldOutAtMs).toISOString(),
    admittedAfterSoldOut: soldOutAtMs === null ? 0 : admitted.filter((r) => r.admittedAtMs! > soldOutAtMs).length,
    admissionOrder: admissionOrderSample(numbered),
  };
}

/** Fans with a queue number, in number order, cut into ten slices of (nearly) equal size. */
export function decileFigures(rows: readonly FairnessRow[]): FairnessSummary["deciles"] {
  const deciles = Array.from({ length: 10 }, (_, i) => ({ decile: i + 1, fans: 0, buyers: 0, tickets: 0 }));
  const numbered = rows.filter((r) => r.queueNumber !== null).sort((a, b) => a.queueNumber! - b.queueNumber!);
  numbered.forEach((row, rank) => {
    const slice = deciles[Math.floor((rank * 10) / numbered.length)]!;
    slice.fans++;
    if (row.paidTickets > 0) slice.buyers++;
    slice.tickets += row.paidTickets;
  });
  return deciles;
}

/** At most admissionOrderPointsMax admitted fans, evenly spread over the line, for the chart. */
function admissionOrderSample(
  numbered: ReadonlyArray<FairnessRow & { queueNumber: number }>,
): FairnessSummary["admissionOrder"] {
  if (numbered.length === 0) return [];
  const sorted = [...numbered].sort((a, b) => a.queueNumber - b.queueNumber);
  const first = sorted.reduce((min, r) => Math.min(min, r.admittedAtMs!), Infinity);
  const step = Math.max(1, Math.ceil(sorted.length / admissionOrderPointsMax));
  const points: FairnessSummary["admissionOrder"] = [];
  for (let i = 0; i < sorted.length; i += step) {
    points.push({ queueNumber: sorted[i]!.queueNumber, afterFirstMs: sorted[i]!.admittedAtMs! - first });
  }
  return points;
}

/** One fan's line of the JSON export. */
export function fairnessRecord(row: FairnessRow): FairnessRecord {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    fanId: row.fanId,
    queueNumber: row.queueNumber,
    joinedAt: iso(row.joinedAtMs),
    admittedAt: iso(row.admittedAtMs),
    leftAt: iso(row.leftAtMs),
    outcome: fanOutcome(row),
    ticketsBought: row.paidTickets,
  };
}
