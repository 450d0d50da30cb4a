// Goal: a fan's place, kept current from one room push per tick, is exactly the rank among fans
// still waiting — admissions and departures ahead each move the fan up one, departures behind
// change nothing, a push seen twice counts once, and a missed push is noticed (never guessed).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { departuresAhead, placeNow } from "./admission.js";

describe("placeNow", () => {
  it("moves up one per admission and per departure ahead since the base; 0 is the fan's turn", () => {
    const base = { basePosition: 3, baseAdmittedTotal: 10 };
    expect(placeNow({ ...base, admittedTotal: 10, departedAhead: 0 })).toBe(3);
    expect(placeNow({ ...base, admittedTotal: 10, departedAhead: 1 })).toBe(2); // someone ahead left, nobody admitted
    expect(placeNow({ ...base, admittedTotal: 11, departedAhead: 1 })).toBe(1);
    expect(placeNow({ ...base, admittedTotal: 12, departedAhead: 1 })).toBe(0);
    expect(placeNow({ ...base, admittedTotal: 9, departedAhead: 0 })).toBe(3); // a push older than the base changes nothing
  });

  it("asserts on programmer errors", () => {
    expect(() => placeNow({ basePosition: 0, baseAdmittedTotal: 0, admittedTotal: 0, departedAhead: 0 })).toThrow();
    expect(() => placeNow({ basePosition: 1, baseAdmittedTotal: 0, admittedTotal: 0, departedAhead: -1 })).toThrow();
  });
});

describe("departuresAhead", () => {
  it("counts only news, only ahead, and notices a missed push", () => {
    expect(departuresAhead(0, 13, { fromSeq: 0, numbers: [5, 20, 12] })).toEqual({
      kind: "counted",
      seenSeq: 3,
      ahead: 2,
    });
    expect(departuresAhead(2, 13, { fromSeq: 0, numbers: [5, 20, 12] })).toEqual({
      kind: "counted",
      seenSeq: 3,
      ahead: 1,
    }); // 5 already counted
    expect(departuresAhead(3, 13, { fromSeq: 0, numbers: [5, 20, 12] })).toEqual({
      kind: "counted",
      seenSeq: 3,
      ahead: 0,
    }); // seen twice
    expect(departuresAhead(3, 13, { fromSeq: 4, numbers: [1] })).toEqual({ kind: "gap" }); // departure 4 never arrived
  });

  it("keeps the place equal to the rank among fans still waiting, whatever happens (property)", () => {
    // A model room: joins at the back, FIFO admissions, departures anywhere; one fan takes a base
    // at some moment, then follows pushes that each carry the departures since the last push.
    const step = fc.oneof(
      fc.constant({ op: "join" as const }),
      fc.constant({ op: "admit" as const }),
      fc.record({ op: fc.constant("leave" as const), pick: fc.nat() }),
      fc.constant({ op: "push" as const }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.nat({ max: 30 }),
        fc.array(step, { maxLength: 80 }),
        (initial, baseAt, steps) => {
          let next = 1;
          let waiting: number[] = [];
          for (; next <= initial; next++) waiting.push(next);
          let admitted = 0;
          const departures: number[] = [];
          let announced = 0;
          const me = waiting[Math.min(baseAt, waiting.length - 1)]!;
          const base = { basePosition: waiting.indexOf(me) + 1, baseAdmittedTotal: admitted };
          let seen = departures.length;
          let ahead = 0;
          let lastAdmitted = admitted;
          for (const s of steps) {
            if (!waiting.includes(me)) break;
            if (s.op === "join") waiting.push(next++);
            else if (s.op === "admit" && waiting.length > 0) {
              waiting = waiting.slice(1);
              admitted++;
            } else if (s.op === "leave") {
              const others = waiting.filter((n) => n !== me);
              const gone = others[s.pick % Math.max(1, others.length)];
              if (gone !== undefined) {
                waiting = waiting.filter((n) => n !== gone);
                departures.push(gone);
              }
            } else if (s.op === "push") {
              const r = departuresAhead(seen, me, { fromSeq: announced, numbers: departures.slice(announced) });
              announced = departures.length;
              expect(r.kind).toBe("counted");
              if (r.kind === "counted") {
                seen = r.seenSeq;
                ahead += r.ahead;
              }
              lastAdmitted = admitted;
              const rank = waiting.includes(me) ? waiting.indexOf(me) + 1 : 0;
              expect(placeNow({ ...base, admittedTotal: lastAdmitted, departedAhead: ahead })).toBe(rank);
            }
          }
        },
      ),
    );
  });
});
