// What the room and each fan are told, from the event's status and the queue's phase. Pure.
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { QueueEntry, QueueState, QueueStatus } from "@stampede/shared/protocol";
import { position } from "@stampede/shared/core/admission";
import type { JoinResult, Phase, Place, WaitingRoomSnapshot } from "@stampede/shared/ports/waiting-room";
import type { AdmissionPlan } from "./steering.js";

/** The admission rate fans are told is measured over this long (what actually happened, not the setting). */
const measuredRateWindowMs = 20_000;
/** A measurement needs at least this much history. */
const measuredRateMinSpanMs = 2_000;

/** Admissions per minute as they happened over the last seconds, from the room's admitted total. */
export class AdmissionRateMeter {
  private readonly samples: Array<{ atMs: number; total: number }> = [];

  /** Adds a reading; the rate over the window, or null until there is enough history. */
  add(atMs: number, admittedTotal: number): number | null {
    const last = this.samples[this.samples.length - 1];
    if (last && (atMs < last.atMs || admittedTotal < last.total)) this.samples.length = 0; // clock or room reset
    this.samples.push({ atMs, total: admittedTotal });
    while (this.samples.length > 2 && atMs - (this.samples[1] as { atMs: number }).atMs >= measuredRateWindowMs)
      this.samples.shift();
    const first = this.samples[0] as { atMs: number; total: number };
    const span = atMs - first.atMs;
    return span < measuredRateMinSpanMs ? null : Math.round(((admittedTotal - first.total) * 60_000) / span);
  }
}

/** What the ticker knows beyond the snapshot: this tick's plan and the measured rate. */
export interface RoomFacts {
  plan?: AdmissionPlan;
  admittedPerMinute: number | null;
}

/** Fans collect in the pre-queue before opensAt; with no opensAt, while the event is only
 * scheduled (it opens when an admin puts it on sale). */
export function inPreQueuePeriod(event: EventRecord, nowMs: number): boolean {
  const opensAtMs = event.waitingRoom.opensAt ? Date.parse(event.waitingRoom.opensAt) : null;
  return opensAtMs !== null ? nowMs < opensAtMs : event.status === "scheduled";
}

export function roomState(event: EventRecord, phase: Phase): QueueState {
  switch (event.status) {
    case "closed":
    case "cancelled":
    case "draft":
      return "closed";
    case "sold_out":
      return "sold_out";
    case "paused":
      return "paused";
    default:
      return phase === "open" ? "waiting" : "pre_queue";
  }
}

export function queueStatus(
  event: EventRecord,
  snapshot: WaitingRoomSnapshot,
  nowMs: number,
  facts?: RoomFacts,
): QueueStatus {
  const allHeld = facts?.plan?.allHeld;
  return {
    eventId: event.id,
    state: roomState(event, snapshot.phase),
    servedUpTo: snapshot.servedUpTo,
    waiting: snapshot.waiting + snapshot.preQueued,
    admitPerMinute: facts?.plan?.admitPerMinute ?? event.waitingRoom.admitPerMinute,
    admission: event.waitingRoom.admission,
    ...(facts && facts.admittedPerMinute !== null ? { admittedPerMinute: facts.admittedPerMinute } : {}),
    ...(allHeld
      ? { allHeld: { until: allHeld.untilMs === null ? null : new Date(allHeld.untilMs).toISOString() } }
      : {}),
    activeCheckouts: snapshot.activeCheckouts,
    maxActiveCheckouts: event.waitingRoom.maxActiveCheckouts,
    admittedTotal: snapshot.admittedTotal,
    opensAt: event.waitingRoom.opensAt,
    sentAtMs: nowMs,
    ...(snapshot.epoch ? { roomEpoch: snapshot.epoch } : {}),
  };
}

/**
 * A fan's entry: their own state, unless the room's state (closed, sold out, paused) says more.
 * While waiting, the position is the rank among fans still waiting (place) with the counters it
 * was read with, so the client keeps it current; without a place, the cursor's upper bound.
 */
export function queueEntry(
  event: EventRecord,
  phase: Phase,
  joined: Pick<JoinResult, "state" | "queueNumber">,
  servedUpTo: number,
  admission?: { token: string; expiresAt: string },
  place?: Place | null,
): QueueEntry {
  const room = roomState(event, phase);
  const state: QueueState = room === "closed" || room === "sold_out" || room === "paused" ? room : joined.state;
  const waiting = joined.queueNumber !== null && joined.state === "waiting";
  const entry: QueueEntry = {
    eventId: event.id,
    state,
    queueNumber: joined.queueNumber,
    position: waiting ? (place?.position ?? position(joined.queueNumber as number, servedUpTo)) : null,
  };
  if (waiting && place) entry.basis = { admittedTotal: place.admittedTotal, departedSeq: place.departedSeq };
  if (admission && joined.state === "admitted") entry.admission = admission;
  return entry;
}
