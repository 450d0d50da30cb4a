// Goal: the place kept from pushes equals the server's rank — departures ahead move it, those
// behind do not, a push that overtook the join's answer is counted once, and a missed push is
// reported rather than guessed around.
import { describe, expect, it } from "vitest";
import { trackDepartures, trackedPosition, trackFromEntry } from "./place-track.js";
import { queueEntry } from "./test-support.js";

const entry = queueEntry({ queueNumber: 13, position: 2, basis: { admittedTotal: 10, departedSeq: 4 } });

describe("place track", () => {
  it("moves up for departures ahead and admissions, not for departures behind", () => {
    const start = trackFromEntry(entry, []);
    expect(start?.kind).toBe("tracking");
    if (start?.kind !== "tracking") return;
    expect(trackedPosition(start.track, null)).toBe(2);
    const behind = trackDepartures(start.track, { fromSeq: 4, numbers: [20] });
    expect(behind.kind === "tracking" && trackedPosition(behind.track, 10)).toBe(2);
    const ahead = trackDepartures(start.track, { fromSeq: 4, numbers: [12, 20] });
    expect(ahead.kind === "tracking" && trackedPosition(ahead.track, 10)).toBe(1); // nobody admitted
    expect(ahead.kind === "tracking" && trackedPosition(ahead.track, 11)).toBe(0); // then the fan's own admission
  });

  it("counts pushes that arrived before the join's answer only past its counters", () => {
    const recent = [
      { eventId: "e1", fromSeq: 2, numbers: [3, 5] }, // seq 3, 4: already in the rank
      { eventId: "e1", fromSeq: 4, numbers: [7] }, // seq 5: after it
    ];
    const result = trackFromEntry(entry, recent);
    expect(result?.kind === "tracking" && result.track).toMatchObject({ seenSeq: 5, departedAhead: 1 });
    expect(result?.kind === "tracking" && trackedPosition(result.track, 10)).toBe(1);
  });

  it("reports a gap when a push is missing, and has no track without a basis or a number", () => {
    const start = trackFromEntry(entry, []);
    expect(start?.kind === "tracking" && trackDepartures(start.track, { fromSeq: 6, numbers: [1] })).toEqual({
      kind: "gap",
    });
    expect(trackFromEntry(entry, [{ eventId: "e1", fromSeq: 5, numbers: [1] }])).toEqual({ kind: "gap" });
    expect(trackFromEntry(queueEntry(), [])).toBeNull(); // an older server: no basis
    expect(
      trackFromEntry(queueEntry({ state: "admitted", basis: { admittedTotal: 0, departedSeq: 0 } }), []),
    ).toBeNull();
    expect(trackFromEntry(queueEntry({ state: "paused", basis: { admittedTotal: 0, departedSeq: 0 } }), [])?.kind).toBe(
      "tracking",
    ); // waiting in a paused sale
  });
});
