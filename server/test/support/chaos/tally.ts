// What the crowd did and what it met, counted as it goes; the summary prints it.
import type { RetryCounters } from "./fan-http.js";

/** How a fan's visit ended, from its side (the orders' final states are read from the database). */
export type FanOutcome =
  | "paid"
  | "declined"
  | "abandoned"
  | "paid_late"
  | "sold_out"
  /** Could not finish because of a fault (no answer before its deadline): allowed, counted. */
  | "stopped_by_fault";

export interface Tally extends RetryCounters {
  outcomes: Record<FanOutcome, number>;
  /** Fans whose place in the queue was gone (Redis lost it) and who joined again. */
  queuePlacesLost: number;
  /** Admissions that were refused later (lost with Redis) and waited for again. */
  admissionsLost: number;
  socketReconnects: number;
  doubleClicks: number;
  /** A double click that got two different orders: the same Idempotency-Key must give one. */
  doubleClickMismatches: string[];
  /** Why fans stopped (first of each kind). */
  stopReasons: Map<string, number>;
  /** Where each fan still out is (for the progress line): its plan index → step. */
  steps: Map<number, FanStep>;
  done: number;
}

export type FanStep = "arriving" | "session" | "queue" | "hold" | "paying" | "waiting to pay late";

export function newTally(): Tally {
  return {
    outcomes: { paid: 0, declined: 0, abandoned: 0, paid_late: 0, sold_out: 0, stopped_by_fault: 0 },
    retries: 0,
    networkErrors: 0,
    serverErrors: 0,
    queuePlacesLost: 0,
    admissionsLost: 0,
    socketReconnects: 0,
    doubleClicks: 0,
    doubleClickMismatches: [],
    stopReasons: new Map(),
    steps: new Map(),
    done: 0,
  };
}

export class FanStopped extends Error {}

/** A fan gives up here; the reason is counted by kind (ids left out). */
export function stop(tally: Tally, reason: string): never {
  const kind = reason.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "…");
  tally.stopReasons.set(kind, (tally.stopReasons.get(kind) ?? 0) + 1);
  throw new FanStopped(reason);
}

/** "12 in queue, 3 paying" — where the fans still out are. */
export function stepsLine(tally: Tally): string {
  const counts = new Map<FanStep, number>();
  for (const step of tally.steps.values()) counts.set(step, (counts.get(step) ?? 0) + 1);
  return [...counts].map(([step, n]) => `${n} ${step}`).join(", ") || "none";
}
