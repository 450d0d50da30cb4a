// The waiting room's values as the store hands them out, and the parsing of its scripts' replies
// into them (a reply of the wrong shape is a bug and fails an assertion).
import { assert } from "@stampede/shared/assert";
import { int, list, str } from "./replies.js";

export type Phase = "pre" | "opening" | "open";
export type JoinState = "pre_queue" | "waiting" | "admitted";
/** As joined, or how the last admission ended (a fan who joins again then queues at the back). */
export type EntryState = JoinState | "admission_expired" | "admission_ended" | "left";

export interface Admission {
  jti: string;
  expiresAtMs: number;
}

export interface JoinResult {
  state: JoinState;
  queueNumber: number | null;
  admission?: Admission;
  /** The room's incarnation (keys.ts epoch). */
  epoch: string;
}

export interface WaitingRoomEntry {
  state: EntryState;
  queueNumber: number | null;
  joinedAtMs: number;
  /** The last admission; an "admitted" one whose expiresAtMs has passed is over even before a tick drops it. */
  admission?: Admission;
}

export interface WaitingRoomSnapshot {
  phase: Phase;
  servedUpTo: number;
  waiting: number;
  preQueued: number;
  activeCheckouts: number;
  admittedTotal: number;
  lastNumber: number;
  /** The room's incarnation; '' while it has none (never made, or lost with the store's data). */
  epoch: string;
}

export interface AdmitOptions {
  nowMs: number;
  admitPerMinute: number;
  maxActiveCheckouts: number;
  admissionTtlMs: number;
  paused: boolean;
  /** At most this many more fans this tick, for the stock left (auto admission); absent: no such cap. */
  stockRoom?: number;
}

export interface AdmittedFan {
  fanId: string;
  queueNumber: number;
  jti: string;
  expiresAtMs: number;
}

/** A waiting fan's place with the counters it was read with (one instant; see place.lua). */
export interface Place {
  /** 1 = next in line. */
  position: number;
  admittedTotal: number;
  departedSeq: number;
}

/** Queue numbers that left the line; the i-th (0-based) is departure fromSeq + i + 1. */
export interface Departures {
  fromSeq: number;
  numbers: number[];
}

export type SetPreQueueOutcome = { kind: "pre_queue" } | { kind: "opening" } | { kind: "already_numbered" };

const phases: readonly string[] = ["pre", "opening", "open"] satisfies Phase[];
export const entryStates: readonly string[] = [
  "pre_queue",
  "waiting",
  "admitted",
  "admission_expired",
  "admission_ended",
  "left",
] satisfies EntryState[];

export function parseSnapshot(reply: unknown): WaitingRoomSnapshot {
  const [phase, servedUpTo, waiting, preQueued, activeCheckouts, admittedTotal, lastNumber, epoch] = list(reply, 8);
  assert(phases.includes(str(phase)), `unknown phase ${String(phase)}`);
  return {
    phase: phase as Phase,
    servedUpTo: int(servedUpTo),
    waiting: int(waiting),
    preQueued: int(preQueued),
    activeCheckouts: int(activeCheckouts),
    admittedTotal: int(admittedTotal),
    lastNumber: int(lastNumber),
    epoch: str(epoch),
  };
}

/** A join.lua reply; null when the room has no epoch. */
export function parseJoin(reply: unknown): JoinResult | null {
  const [state, number, jti, expiresAtMs, epochValue] = list(reply, 5);
  const epoch = str(epochValue);
  switch (str(state)) {
    case "no_room":
      return null;
    case "pre_queue":
      return { state: "pre_queue", queueNumber: null, epoch };
    case "waiting":
      return { state: "waiting", queueNumber: int(number), epoch };
    case "admitted":
      return {
        state: "admitted",
        queueNumber: int(number),
        admission: { jti: str(jti), expiresAtMs: int(expiresAtMs) },
        epoch,
      };
  }
  assert(false, `unknown join state ${String(state)}`);
}

/** A place.lua reply; null when the fan is not waiting. */
export function parsePlace(reply: unknown): Place | null {
  const [position, admittedTotal, departedSeq] = list(reply, 3).map(int);
  if (!position) return null;
  return { position, admittedTotal: admittedTotal as number, departedSeq: departedSeq as number };
}
