// The fan's place, kept current between joins from the room's pushes: the server gives the rank
// among fans still waiting with the counters it was read with (QueueEntry.basis); every
// admission since (queue:status admittedTotal) and every departure ahead since (queue:departed)
// moves the fan up one. Pure; the math is shared/src/core/admission.ts.
import { departuresAhead, placeNow } from "@stampede/shared/core/admission";
import type { QueueDeparted, QueueEntry } from "@stampede/shared/protocol";

export interface PlaceTrack {
  queueNumber: number;
  basePosition: number;
  baseAdmittedTotal: number;
  /** Departures counted up to this counter value. */
  seenSeq: number;
  /** Of those, how many were ahead of the fan. */
  departedAhead: number;
}

export type TrackResult = { kind: "tracking"; track: PlaceTrack } | { kind: "gap" };

/** Counts a departures push; "gap" when one before it never arrived (read the place again). */
export function trackDepartures(track: PlaceTrack, push: Pick<QueueDeparted, "fromSeq" | "numbers">): TrackResult {
  const counted = departuresAhead(track.seenSeq, track.queueNumber, push);
  if (counted.kind === "gap") return counted;
  return {
    kind: "tracking",
    track: { ...track, seenSeq: counted.seenSeq, departedAhead: track.departedAhead + counted.ahead },
  };
}

/**
 * A track from a waiting entry (null when it carries no basis: not waiting, or an older server),
 * with the recent pushes that may have overtaken the entry on its way counted in.
 */
export function trackFromEntry(entry: QueueEntry, recent: readonly QueueDeparted[]): TrackResult | null {
  // The server sends a basis only while the fan waits with a number (the state may say "paused").
  if (
    entry.state === "admitted" ||
    entry.queueNumber === null ||
    entry.position === null ||
    entry.position < 1 ||
    !entry.basis
  )
    return null;
  let track: PlaceTrack = {
    queueNumber: entry.queueNumber,
    basePosition: entry.position,
    baseAdmittedTotal: entry.basis.admittedTotal,
    seenSeq: entry.basis.departedSeq,
    departedAhead: 0,
  };
  for (const push of recent) {
    if (push.fromSeq + push.numbers.length <= track.seenSeq) continue; // already in the rank
    const result = trackDepartures(track, push);
    if (result.kind === "gap") return result;
    track = result.track;
  }
  return { kind: "tracking", track };
}

/** The place now (1 = next, 0 = the turn has come), given the latest admittedTotal pushed. */
export function trackedPosition(track: PlaceTrack, admittedTotal: number | null): number {
  return placeNow({
    basePosition: track.basePosition,
    baseAdmittedTotal: track.baseAdmittedTotal,
    admittedTotal: admittedTotal ?? track.baseAdmittedTotal,
    departedAhead: track.departedAhead,
  });
}
