// Goal: the phase a fan sees follows the room and the entry in the right priority, progress and
// the observed admission rate are honest at their edges, and pushed stock lands on the right tier.
import { describe, expect, it } from "vitest";
import {
  addRateSample,
  allHeldWords,
  clockMinutes,
  etaRatePerMinute,
  fanPhase,
  mergeStock,
  observedPerMinute,
  progressOf,
  roomStateOf,
  spokenPlace,
  type PhaseInput,
} from "./queue-view.js";
import { queueEntry, queueStatus, tier } from "./test-support.js";

const base: PhaseInput = {
  entry: queueEntry(),
  status: queueStatus(),
  admission: null,
  admissionRemainingMs: null,
  left: false,
};

describe("fanPhase", () => {
  it("sold out and closed win over everything, then leaving, then the turn, then pause", () => {
    const admission = { token: "a", expiresAt: "2030-01-01T00:00:00Z" };
    expect(fanPhase({ ...base, status: queueStatus({ state: "sold_out" }), admission, admissionRemainingMs: 1 })).toBe(
      "sold_out",
    );
    expect(fanPhase({ ...base, status: queueStatus({ state: "closed" }) })).toBe("closed");
    expect(fanPhase({ ...base, left: true })).toBe("left");
    expect(fanPhase({ ...base, status: queueStatus({ state: "paused" }), admission, admissionRemainingMs: 1000 })).toBe(
      "admitted",
    );
    expect(fanPhase({ ...base, admission, admissionRemainingMs: 0 })).toBe("admission_expired");
    expect(fanPhase({ ...base, status: queueStatus({ state: "paused" }) })).toBe("paused");
  });

  it("is pre-queue without a number, starting without an entry, waiting in line", () => {
    expect(fanPhase({ ...base, entry: null, status: null })).toBe("starting");
    expect(fanPhase({ ...base, entry: null, status: queueStatus({ state: "pre_queue" }) })).toBe("pre_queue");
    expect(fanPhase({ ...base, entry: queueEntry({ state: "pre_queue", queueNumber: null, position: null }) })).toBe(
      "pre_queue",
    );
    expect(fanPhase(base)).toBe("waiting");
  });
});

describe("progressOf", () => {
  it("counts people ahead: 0 at joining, full exactly when nobody is ahead", () => {
    expect(progressOf(21, 21)).toBe(0);
    expect(progressOf(21, 6)).toBe(0.75); // 20 ahead at joining, 5 now
    expect(progressOf(3, 2)).toBe(0.5);
    expect(progressOf(3, 1)).toBe(1); // next in line, nobody ahead: the bar is full (it stopped at 67 % before)
    expect(progressOf(20, 0)).toBe(1);
    expect(progressOf(1, 1)).toBe(1); // joined with nobody ahead
    expect(progressOf(null, 3)).toBe(0);
  });
});

describe("roomStateOf", () => {
  it("a pushed sale status wins over a frame still carrying the old one", () => {
    expect(roomStateOf(queueStatus({ state: "waiting" }), null)).toBe("waiting");
    expect(roomStateOf(queueStatus({ state: "waiting" }), "closed")).toBe("closed");
    expect(roomStateOf(queueStatus({ state: "waiting" }), "cancelled")).toBe("closed");
    expect(roomStateOf(queueStatus({ state: "waiting" }), "paused")).toBe("paused");
    expect(roomStateOf(queueStatus({ state: "paused" }), "on_sale")).toBe("waiting");
    expect(roomStateOf(queueStatus({ state: "pre_queue" }), "on_sale")).toBe("pre_queue"); // still numbering the pre-queue
    expect(roomStateOf(null, "sold_out")).toBe("sold_out");
  });

  it("turns an admitted fan's page to closed or keeps the turn while paused", () => {
    const admission = { token: "a", expiresAt: "2030-01-01T00:00:00Z" };
    const admitted = { ...base, admission, admissionRemainingMs: 60_000 };
    expect(fanPhase({ ...admitted, sale: "closed" })).toBe("closed");
    expect(fanPhase({ ...admitted, sale: "paused" })).toBe("admitted");
    expect(fanPhase({ ...base, sale: "paused" })).toBe("paused");
  });
});

describe("observed admission rate", () => {
  it("needs enough history, keeps a one-minute window, and starts over when counts go back", () => {
    let samples = addRateSample([], { atMs: 0, admittedTotal: 0 });
    samples = addRateSample(samples, { atMs: 5_000, admittedTotal: 5 });
    expect(observedPerMinute(samples)).toBeNull();
    samples = addRateSample(samples, { atMs: 30_000, admittedTotal: 30 });
    expect(observedPerMinute(samples)).toBe(60);
    samples = addRateSample(samples, { atMs: 70_000, admittedTotal: 100 });
    expect(samples[0]?.atMs).toBe(30_000);
    expect(observedPerMinute(samples)).toBe(105);
    expect(addRateSample(samples, { atMs: 71_000, admittedTotal: 3 })).toEqual([{ atMs: 71_000, admittedTotal: 3 }]);
  });
});

describe("mergeStock", () => {
  it("takes pushed counts by tier id and keeps the rest", () => {
    const classes = [tier({ id: "a" }), tier({ id: "b", available: 5 })];
    expect(mergeStock(classes, null)).toEqual(classes);
    const merged = mergeStock(classes, {
      eventId: "e1",
      classes: [{ id: "a", code: "GA", available: 1, held: 2, sold: 97 }],
    });
    expect(merged[0]).toMatchObject({ id: "a", available: 1, held: 2, sold: 97, name: "General admission" });
    expect(merged[1]?.available).toBe(5);
  });
});

describe("spokenPlace", () => {
  it("is exact near the front and rounded further back, so it changes now and then", () => {
    expect(spokenPlace(null, null)).toBe("");
    expect(spokenPlace(0, null)).toBe("It's your turn any moment now.");
    expect(spokenPlace(3, "less than a minute")).toBe("You are number 3 in line. Estimated wait: less than a minute.");
    expect(spokenPlace(47, null)).toBe("About 50 people are ahead of you.");
    expect(spokenPlace(42, null)).toBe(spokenPlace(45, null));
    expect(spokenPlace(12_345, "about 2 hours")).toBe(
      "About 12000 people are ahead of you. Estimated wait: about 2 hours.",
    );
  });
});

describe("etaRatePerMinute", () => {
  it("uses the admissions as they happened, the room's rate only until they are measured", () => {
    expect(etaRatePerMinute({ admitPerMinute: 6_000, admittedPerMinute: 120 })).toBe(120);
    expect(etaRatePerMinute({ admitPerMinute: 6_000, admittedPerMinute: 0 })).toBe(0); // nobody went in lately: no promise
    expect(etaRatePerMinute({ admitPerMinute: 600 })).toBe(600);
  });
});

describe("allHeldWords", () => {
  const now = Date.parse("2030-03-14T14:00:00Z");
  const time = (atMs: number) => clockMinutes(atMs, "en-GB", "UTC");

  it("says every ticket left is held and when some may come back", () => {
    expect(allHeldWords({ until: "2030-03-14T14:05:30Z" }, now, time)).toBe(
      "All remaining tickets are held by fans ahead of you. Some may come back by 14:05 if they don't pay — keep this page open.",
    );
  });

  it("leaves the time out when it is not known or already past", () => {
    const words =
      "All remaining tickets are held by fans ahead of you. Some may come back if they don't pay — keep this page open.";
    expect(allHeldWords({ until: null }, now, time)).toBe(words);
    expect(allHeldWords({ until: "2030-03-14T13:59:00Z" }, now, time)).toBe(words);
    expect(allHeldWords({ until: "not a time" }, now, time)).toBe(words);
  });

  it("says nothing while tickets are left", () => {
    expect(allHeldWords(undefined, now)).toBeNull();
    expect(allHeldWords(null, now)).toBeNull();
  });

  it("reads the time in 24 hours, in the given zone", () => {
    expect(clockMinutes(Date.parse("2030-03-14T21:07:00Z"), "en-US", "UTC")).toBe("21:07");
    expect(clockMinutes(Date.parse("2030-03-14T21:07:00Z"), "en-GB", "Europe/Berlin")).toBe("22:07");
  });
});
