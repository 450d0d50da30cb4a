// Self-tuning admission (`auto`): each tick the event's ticker reads the checkout's health and
// steers the admission rate with the controller TCP made familiar — slow start, then additive
// increase and multiplicative decrease (AIMD) — inside the operator's floor and ceiling.
//
// - Slow start: from the configured start rate the rate doubles every second while the checkout
//   is healthy and fans are waiting, until the first overload sign.
// - Growth never runs ahead of what the checkout shows it serves: in slow start the rate grows to
//   at most twice the holds answered per second (as fans a minute), afterwards 1.25 times, though
//   always by the slowest climb (3% a second). Without it slow start doubled past the checkout's
//   capacity before the first latency reading showed the strain (measured: 30,000+/min within 3 s
//   against a checkout serving ~12,000/min).
// - Any overload sign cuts the rate, at most once per cut spacing (the health window and one
//   reading) plus the settlement lag read at the last cut: a cut needs that long to show in the
//   signals. The cut goes to 90% of what the checkout showed it serves (holds answered a second,
//   as TCP Westwood sets its window from the measured delivery rate), never below half the rate
//   and always by a tenth at least: halving blindly threw away half of a checkout that was still
//   serving nearly all it was given (measured: a burst of joins at the opening lifted hold p95 past
//   the threshold for two seconds, and the halved rate took 15–25 s to climb back).
// - After a cut the rate climbs back by 3% of the rate it was cut from a second (then 3% of itself),
//   or by 10% while every reading is at most half its threshold: a cut made by a passing strain (a
//   burst of joins at the opening) otherwise kept the rate at half for 15–25 s of a 20 s sale while
//   the checkout idled; near the thresholds the climb stays slow.
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
  /** Hold requests answered per second over the last seconds (not a sign: the pace the checkout serves). */
  holdsPerSecond: number;
}

/** The readings that are overload signs. */
export type CheckoutSignal = Exclude<keyof CheckoutHealth, "holdsPerSecond">;

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
  holdsPerSecond: 0,
};

/** Why the rate is what it is: a signal that cut or holds it, or how it is growing. */
export type SteerReason = CheckoutSignal | "slow_start" | "recovering" | "pacing" | "ceiling" | "idle";

export interface SteerState {
  ratePerMinute: number;
  reason: SteerReason;
  /** Clock of the last cut; null before the first (the controller is in slow start). */
  lastCutMs: number | null;
  /** Beyond the cut spacing, how long the next cut waits: the settlement lag read at the last cut
   * (payments already captured settle through that backlog whatever the new rate). Absent in
   * states saved before it existed. */
  cutHoldOffMs?: number;
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
/** The deepest cut (to half the rate), and the shallowest (by a tenth). */
const cutFactor = 0.5;
const cutFactorMax = 0.9;
/** A cut goes to this fraction of the holds the checkout answers (as fans a minute): a backlog drains. */
export const cutToServedFraction = 0.9;
/** The longest a settlement backlog holds the next cut off (measured: a 9 s backlog cut the rate
 * twice, to a quarter, though the first cut had been enough). */
const cutHoldOffMaxMs = 15_000;
/** After a cut the rate climbs by this fraction a second of the larger of the rate and the rate it
 * was cut from: back where it was cut in about 17 s, then 3% a second — slow beside the 6 s a cut
 * takes to show. (A tenth a second was measured to overshoot again within 5 s of every cut: it is
 * kept for a checkout showing headroom.) */
const recoveryFractionPerSecond = 0.03;
/** The climb while the checkout shows headroom: every reading at most headroomFraction of its threshold. */
const headroomRecoveryFractionPerSecond = 0.1;
const headroomFraction = 0.5;
/** A learned pace is started from at this fraction of it: it was the most the checkout served. */
export const learnedStartFraction = 0.8;
/** Growth is held to this multiple of the holds answered a second, in slow start and afterwards. */
export const slowStartGain = 2;
export const recoveryGain = 1.25;

/**
 * Where steering starts: slow start from the operator's start rate, or — when the checkout has
 * shown it answers more holds a minute than that (learnedPerMinute, remembered from earlier
 * sales) — from a fraction of that pace, climbing as after a cut: a sale's first seconds are when
 * most fans wait, and slow start from a low rate spent them admitting few.
 */
export function startSteering(
  startPerMinute: number,
  floorPerMinute: number,
  ceilingPerMinute: number,
  learnedPerMinute: number | null = null,
): SteerState {
  const learned =
    learnedPerMinute === null
      ? 0
      : clampRate(learnedPerMinute * learnedStartFraction, floorPerMinute, ceilingPerMinute);
  if (learned > startPerMinute)
    return { ratePerMinute: learned, reason: "recovering", lastCutMs: null, cutFromPerMinute: learned };
  return {
    ratePerMinute: clampRate(startPerMinute, floorPerMinute, ceilingPerMinute),
    reason: "slow_start",
    lastCutMs: null,
    cutFromPerMinute: null,
  };
}

/** The first signal past this fraction of its threshold, or null when none is. */
function firstPast(health: CheckoutHealth, fraction: number): CheckoutSignal | null {
  for (const signal of Object.keys(overloadThresholds) as CheckoutSignal[]) {
    const value = health[signal];
    if (value !== null && value > overloadThresholds[signal] * fraction) return signal;
  }
  return null;
}

/** The first signal past its threshold, or null when the checkout is healthy. */
export function overloadSign(health: CheckoutHealth): CheckoutSignal | null {
  return firstPast(health, 1);
}

/** Every reading at most half its threshold (no refusals at all): room to climb faster. */
export function hasHeadroom(health: CheckoutHealth): boolean {
  return firstPast(health, headroomFraction) === null;
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
    const spaced = state.lastCutMs === null || nowMs - state.lastCutMs >= cutSpacingMs + (state.cutHoldOffMs ?? 0);
    if (!spaced) return { ...state, reason: sign };
    const served = cutToServedFraction * 60 * health.holdsPerSecond;
    const cutTo = Math.max(state.ratePerMinute * cutFactor, Math.min(state.ratePerMinute * cutFactorMax, served));
    const rate = clampRate(cutTo, floor, ceiling);
    const cutHoldOffMs = Math.min(cutHoldOffMaxMs, health.settlementLagMs ?? 0);
    return { ratePerMinute: rate, reason: sign, lastCutMs: nowMs, cutFromPerMinute: state.ratePerMinute, cutHoldOffMs };
  }
  if (!input.demand) return { ...state, reason: "idle" };
  const rising = state.cutFromPerMinute === null;
  const seconds = input.elapsedMs / 1_000;
  const climb = hasHeadroom(health) ? headroomRecoveryFractionPerSecond : recoveryFractionPerSecond;
  const step = Math.max(1, climb * Math.max(state.ratePerMinute, state.cutFromPerMinute ?? 0));
  const grown = rising ? state.ratePerMinute * 2 ** seconds : state.ratePerMinute + step * seconds;
  const wanted = Math.max(grown, state.ratePerMinute + (seconds > 0 ? 1 : 0));
  // Growth is held to the pace the checkout answers holds, but never below the slowest climb: fans
  // who take their time (or never hold) must not keep the rate at its start for ever.
  const slowest = state.ratePerMinute + Math.max(1, recoveryFractionPerSecond * state.ratePerMinute) * seconds;
  const paced = Math.max(slowest, Math.ceil((rising ? slowStartGain : recoveryGain) * 60 * health.holdsPerSecond));
  const rate = clampRate(Math.min(wanted, paced), floor, ceiling);
  const reason: SteerReason =
    rate >= ceiling ? "ceiling" : wanted > paced ? "pacing" : rising ? "slow_start" : "recovering";
  return { ...state, ratePerMinute: rate, reason };
}

export interface StockRoomInput {
  /** Tickets neither sold nor held, over every tier. */
  available: number;
  /** Tickets held and sold, and the orders (held or paid) they came in: this sale's own tickets per order. */
  ticketsTaken: number;
  ordersTaken: number;
  /** Admitted fans expected to order still (fansAboutToOrder): they will want some of what is available. */
  aboutToOrder: number;
}

/** A fan admitted longer ago than this who has not ordered is taken as gone (a sold-out answer, a
 * closed tab): counting it kept fans out while tickets waited (measured: a sale stalled 15 s with
 * tickets available, behind fans told "insufficient stock" who sat on their slots). */
export const aboutToOrderWindowMs = 20_000;

export interface AboutToOrderInput {
  /** Checkout slots taken (admitted fans), and how many of them have ordered (holding, declined, cancelled). */
  activeCheckouts: number;
  ordered: number;
  /** Fans admitted within aboutToOrderWindowMs, and the fans who ordered within it. */
  admittedRecently: number;
  orderedRecently: number;
  /** Fans refused at a hold within aboutToOrderWindowMs for want of stock (their tier gone, or
   * fewer left than they asked): their try is over though it left no order. Absent: none. */
  refusedRecently?: number;
}

/** Admitted fans expected to order still: admitted lately and neither ordered nor refused for stock
 * since, and never more than the admitted fans without an order. A refusal counted as well as an
 * order of the same fan lowers the count by one more: a fan more is let in, never a ticket oversold
 * (measured without it: a sale's last seat stayed unsold for 110 s, one fan let in every 20 s,
 * each refused for wanting two or a tier that was gone). */
export function fansAboutToOrder(input: AboutToOrderInput): number {
  const refused = input.refusedRecently ?? 0;
  return Math.max(
    0,
    Math.min(input.activeCheckouts - input.ordered, input.admittedRecently - input.orderedRecently) - refused,
  );
}

/** Tickets per order as this sale has shown it so far (1 before any order: assume the most fans). */
export function ticketsPerOrder(ticketsTaken: number, ordersTaken: number): number {
  return ordersTaken > 0 && ticketsTaken > 0 ? Math.max(1, ticketsTaken / ordersTaken) : 1;
}

/**
 * How many more fans the stock left could serve: the orders the available tickets make, less the
 * fans admitted who are about to order (they will want some of it). 0 while nothing is available,
 * so nobody is admitted to a sale with nothing to buy.
 */
export function stockRoom(input: StockRoomInput): number {
  const { available, aboutToOrder } = input;
  assert(available >= 0 && aboutToOrder >= 0, "bad stock room input");
  if (available === 0) return 0;
  const orders = Math.max(1, Math.floor(available / ticketsPerOrder(input.ticketsTaken, input.ordersTaken)));
  return Math.max(0, orders - aboutToOrder);
}
