// The parsing of the waiting room scripts' replies into the values the port names
// (shared/src/ports/waiting-room.ts) (a reply of the wrong shape is a bug and fails an assertion).
import { assert } from "@stampede/shared/assert";
import type { EntryState, JoinResult, Phase, Place, WaitingRoomSnapshot } from "@stampede/shared/ports/waiting-room";
import { int, list, str } from "./replies.js";

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
