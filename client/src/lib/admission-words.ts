// The admission controller in an operator's words: why the rate is what it is ("Cut at 14:02:11:
// hold answers slowed to 820 ms (p95, limit 750 ms)", "Rising: checkout healthy", "At the
// ceiling", "Nobody waiting", "Holding: all tickets left are held"), and the checkout's health
// figures next to the limits that cut the rate (shared/src/core/admission-control.ts).
import { overloadThresholds, type CheckoutSignal } from "@stampede/shared/core/admission-control";
import type { AdminAdmission } from "@stampede/shared/protocol";
import { formatCount } from "./format.js";

type Health = AdminAdmission["health"];

const ms = (n: number): string => `${formatCount(Math.round(n))} ms`;

/** Each overload sign: what it measures, and what it says when it cut the rate. */
const signals: Record<
  CheckoutSignal,
  { label: string; unit: (n: number) => string; cut: (value: string, limit: string) => string }
> = {
  holdP95Ms: { label: "Hold answers (p95)", unit: ms, cut: (v, l) => `hold answers slowed to ${v} (p95, limit ${l})` },
  settlementLagMs: {
    label: "Payment settling lag",
    unit: ms,
    cut: (v, l) => `payments took ${v} to settle (limit ${l})`,
  },
  poolWaits: {
    label: "Waiting for the database",
    unit: formatCount,
    cut: (v, l) => `${v} requests waited for the database (limit ${l})`,
  },
  holdsInFlight: {
    label: "Holds in progress",
    unit: formatCount,
    cut: (v, l) => `${v} holds were in progress at once (limit ${l})`,
  },
  webhooksWaiting: {
    label: "Payment confirmations waiting",
    unit: formatCount,
    cut: (v, l) => `${v} payment confirmations were waiting (limit ${l})`,
  },
  overloadRefusals: {
    label: "Holds turned away (too busy)",
    unit: formatCount,
    cut: (v) => `checkout turned away ${v} holds as too busy`,
  },
};

function isSignal(reason: string): reason is CheckoutSignal {
  return Object.hasOwn(signals, reason);
}

export interface ReasonContext {
  /** Tickets neither held nor sold, over every tier (from the same stats tick); null when unknown. */
  available: number | null;
  /** A time of day to the second ("14:02:11"). */
  time: (atMs: number) => string;
}

/** Why the rate is what it is, in one line. */
export function admissionReasonWords(a: AdminAdmission, context: ReasonContext): string {
  if (a.mode === "manual" || a.reason === "manual") return "Fixed rate set by an operator";
  if (a.reason === "idle") return "Nobody waiting";
  if (a.stockRoom === 0) {
    return context.available === 0 || context.available === null
      ? "Holding: all tickets left are held"
      : "Holding: fans already in checkout can take every ticket left";
  }
  if (isSignal(a.reason)) {
    const words = signalWords(a.reason, a.health[a.reason]);
    return a.lastCutAtMs === null ? `Held down: ${words}` : `Cut at ${context.time(a.lastCutAtMs)}: ${words}`;
  }
  if (a.reason === "ceiling") return "At the ceiling";
  if (a.reason === "slow_start") return "Rising: checkout healthy";
  if (a.reason === "pacing") {
    const perMinute = formatCount(Math.round(a.health.holdsPerSecond * 60));
    return `Rising with the checkout: held to the pace it answers holds (${perMinute} a minute)`;
  }
  if (a.reason === "recovering") {
    if (a.lastCutAtMs === null) return "Rising: checkout healthy";
    return `Rising: checkout healthy again since the cut at ${context.time(a.lastCutAtMs)}`;
  }
  return a.reason;
}

function signalWords(signal: CheckoutSignal, value: number | null): string {
  const s = signals[signal];
  const limit = s.unit(overloadThresholds[signal]);
  if (value === null) return `${s.label.toLowerCase()} went past its limit of ${limit}`;
  return s.cut(s.unit(value), limit);
}

export interface HealthFigure {
  signal: CheckoutSignal;
  label: string;
  /** The figure, or "—" when there was nothing to measure. */
  value: string;
  limit: string;
  /** Past its limit: this sign cuts the rate. */
  over: boolean;
}

/** The checkout's health as the controller read it, each figure with its limit. */
export function healthFigures(health: Health): HealthFigure[] {
  return (Object.keys(overloadThresholds) as CheckoutSignal[]).map((signal) => {
    const s = signals[signal];
    const value = health[signal];
    const limit = overloadThresholds[signal];
    const over = value !== null && value > limit;
    return { signal, label: s.label, value: value === null ? "—" : s.unit(value), limit: s.unit(limit), over };
  });
}
