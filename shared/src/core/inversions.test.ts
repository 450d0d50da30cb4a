// Goal: the O(n log n) inversion count equals the O(n²) definition on any input — ties in
// admission time (one tick) and in number included — and handles a flash sale's size quickly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countInversions, type AdmittedAt } from "./inversions.js";

function bruteForce(fans: readonly AdmittedAt[]): number {
  let n = 0;
  for (const a of fans) for (const b of fans) if (a.queueNumber < b.queueNumber && b.admittedAtMs < a.admittedAtMs) n++;
  return n;
}

const fan = fc.record({ queueNumber: fc.integer({ min: 1, max: 60 }), admittedAtMs: fc.integer({ min: 0, max: 40 }) });

describe("countInversions", () => {
  it("agrees with the brute-force pair count (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fan, { maxLength: 120 }), (fans) => countInversions(fans) === bruteForce(fans)),
      {
        numRuns: 500,
      },
    );
  });

  it.each([
    { name: "none", fans: [], expected: 0 },
    {
      name: "in order",
      fans: [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
      expected: 0,
    },
    {
      name: "same tick",
      fans: [
        [1, 10],
        [2, 10],
        [3, 10],
      ],
      expected: 0,
    },
    {
      name: "one swap",
      fans: [
        [1, 20],
        [2, 10],
        [3, 30],
      ],
      expected: 1,
    },
    {
      name: "reversed",
      fans: [
        [1, 40],
        [2, 30],
        [3, 20],
        [4, 10],
      ],
      expected: 6,
    },
  ])("table: $name", ({ fans, expected }) => {
    expect(
      countInversions(
        fans.map(([queueNumber, admittedAtMs]) => ({ queueNumber: queueNumber!, admittedAtMs: admittedAtMs! })),
      ),
    ).toBe(expected);
  });

  it("counts 100k fans, fully reversed, in a few seconds at most", () => {
    const n = 100_000;
    const fans = Array.from({ length: n }, (_, i) => ({ queueNumber: i + 1, admittedAtMs: n - i }));
    const started = performance.now();
    expect(countInversions(fans)).toBe((n * (n - 1)) / 2);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
