// Self-tuning admission (`auto`): each tick the event's ticker reads the checkout's health and
// steers the admission rate with the controller TCP made familiar — slow start, then additive
// increase and multiplicative decrease (AIMD) — inside the operator's floor and ceiling.
//
// - Slow start: from the configured start rate the rate doubles every second while the checkout
//   is healthy and fans are waiting, until the first overload sign.
// - Any overload sign halves the rate, at most once per cut spacing (the health window and one
//   reading): a cut needs that long to show in the signals.
// - After a cut the rate climbs back by a tenth of the rate it was cut from per second (at least
//   a hundredth of the ceiling).
// - With nobody waiting the rate stays where it is: budget unused says nothing about capacity.
// Pure and deterministic (the caller passes the clock); property-tested in admission-control.test.ts.
import { assert } from "../assert.js";
import { checkoutHealthWindowMs, healthPublishMs } from "../limits.js";

/** The checkout's health as the ticker reads it, summed or maxed over every node. */
export interface CheckoutHealth {
  /** Hold requests refused at once (503 overloaded) since the last reading. */
  overloadRefusals: number;
  /** p95 of hold latency over the last seconds, null with no holds. */
  holdP95Ms: number | null;
  /** Payment captured → order paid, the largest over the last seconds, null with none. */
  settlementLagMs: number | null;
  /** Requests waiting for a database connection (the worst sample of the last seconds). */
  poolWaits: number;
  /** Hold requests being served right now. */
  holdsInFlight: number;
  /** Webhook deliveries queued and not yet made. */
  webhooksWaiting: number;
}

export type CheckoutSignal = keyof CheckoutHealth;

/** Past these the checkout is overloaded. Checked in this order; the first one over names the cut. */
export const overloadThresholds: Readonly<Record<CheckoutSignal, number>> = {
  overloadRefusals: 0,
  holdP95Ms: 750,
  settlementLagMs: 4_000,
  poolWaits: 10,
  holdsInFlight: 400,
  webhooksWaiting: 500,
};

export const healthyCheckout: CheckoutHealth = {
  overloadRefusals: 0,
  holdP95Ms: null,
  settlementLagMs: null,
  poolWaits: 0,
  holdsInFlight: 0,
  webhooksWaiting: 0,
};

/** Why the rate is what it is: a signal that cut or holds it, or how it is growing. */
export type SteerReason = CheckoutSignal | "slow_start" | "recovering" | "ceiling" | "idle";

export interface SteerState {
  ratePerMinute: number;
  reason: SteerReason;
  /** Clock of the last cut; null before the first (the controller is in slow start). */
  lastCutMs: number | null;
  /** The rate the last cut started from: a tenth of it is the per-second climb afterwards. */
  cutFromPerMinute: number | null;
}

export interface SteerInput {
  state: SteerState;
  health: CheckoutHealth;
  floorPerMinute: number;
  ceilingPerMinute: number;
  nowMs: number;
  /** Time since the previous step. */
  elapsedMs: number;
  /** Fans are waiting to be admitted. */
  demand: boolean;
}

/** A cut shows in the signals only once the readings taken before it have left the health window:
 * cutting again sooner would punish the same overload twice (measured: with 2 s, one burst cut a
 * 36,000/min rate down to 251/min before the window cleared). */
export const cutSpacingMs = checkoutHealthWindowMs + healthPublishMs;
const cutFactor = 0.5;
const recoveryFractionPerSecond = 0.1;
/** The slowest climb, so a checkout that was cut deep is back at the ceiling within 100 s of health. */
const ceilingFractionPerSecond = 0.01;

export function startSteering(startPerMinute: number, floorPerMinute: number, ceilingPerMinute: number): SteerState {
  return {
    ratePerMinute: clampRate(startPerMinute, floorPerMinute, ceilingPerMinute),
    reason: "slow_start",
    lastCutMs: null,
    cutFromPerMinute: null,
  };
}

/** The first signal past its threshold, or null when the checkout is healthy. */
export function overloadSign(health: CheckoutHealth): CheckoutSignal | null {
  for (const signal of Object.keys(overloadThresholds) as CheckoutSignal[]) {
    const value = health[signal];
    if (value !== null && value > overloadThresholds[signal]) return signal;
  }
  return null;
}

export function clampRate(rate: number, floor: number, ceiling: number): number {
  return Math.max(floor, Math.min(ceiling, Math.round(rate)));
}

/** One step of the controller: the rate to admit at from now on, and why. */
export function steerAdmission(input: SteerInput): SteerState {
  const { health, floorPerMinute: floor, ceilingPerMinute: ceiling, nowMs } = input;
  assert(Number.isSafeInteger(floor) && floor >= 1 && ceiling >= floor, `bad limits ${floor}..${ceiling}`);
  assert(input.elapsedMs >= 0 && Number.isFinite(nowMs), "bad clock");
  const state = { ...input.state, ratePerMinute: clampRate(input.state.ratePerMinute, floor, ceiling) };
  const sign = overloadSign(health);
  if (sign) {
    const spaced = state.lastCutMs === null || nowMs - state.lastCutMs >= cutSpacingMs;
    if (!spaced) return { ...state, reason: sign };
    const rate = clampRate(state.ratePerMinute * cutFactor, floor, ceiling);
    return { ratePerMinute: rate, reason: sign, lastCutMs: nowMs, cutFromPerMinute: state.ratePerMinute };
  }
  if (!input.demand) return { ...state, reason: "idle" };
  const seconds = input.elapsedMs / 1_000;
  const grown =
    state.cutFromPerMinute === null
      ? state.ratePerMinute * 2 ** seconds
      : state.ratePerMinute + Math.max(1, state.cutFromPerMinute * recoveryFractionPerSecond, ceiling * ceilingFractionPerSecond) * seconds;
  const rate = clampRate(Math.max(grown, state.ratePerMinute + (seconds > 0 ? 1 : 0)), floor, ceiling);
  const reason: SteerReason = rate >= ceiling ? "ceiling" : state.cutFromPerMinute === null ? "slow_start" : "recovering";
  return { ...state, ratePerMinute: rate, reason };
}

export interface StockRoomInput {
  /** Tickets neither sold nor held, over every tier. */
  available: number;
  /** Tickets held and sold, and the orders (held or paid) they came in: this sale's own tickets per order. */
  ticketsTaken: number;
  ordersTaken: number;
  /** Checkout slots taken (admitted fans), and how many of them hold tickets right now. */
  activeCheckouts: number;
  holding: number;
}

/** Tickets per order as this sale has shown it so far (1 before any order: assume the most fans). */
export function ticketsPerOrder(ticketsTaken: number, ordersTaken: number): number {
  return ordersTaken > 0 && ticketsTaken > 0 ? Math.max(1, ticketsTaken / ordersTaken) : 1;
}

/**
 * How many more fans the stock left could serve: the orders the available tickets make, less the
 * fans already admitted who hold nothing yet (they will want some of it). 0 while nothing is
 * available, so nobody is admitted to a sale with nothing to buy.
 */
export function stockRoom(input: StockRoomInput): number {
  const { available, activeCheckouts, holding } = input;
  assert(available >= 0 && activeCheckouts >= 0 && holding >= 0, "bad stock room input");
  if (available === 0) return 0;
  const orders = Math.max(1, Math.floor(available / ticketsPerOrder(input.ticketsTaken, input.ordersTaken)));
  return Math.max(0, orders - Math.max(0, activeCheckouts - holding));
}
