// Goal: sockets spread over server nodes round-robin by their overall index, whichever generator
// holds them, so the nodes get near-equal shares for any generator count.
import { describe, expect, it } from "vitest";
import { split } from "./merge.js";
import { firstIndexes, nodeOf, sumPerNode, urlOf } from "./nodes.js";

describe("spreading over nodes", () => {
  it("gives 40,000 sockets from 4 generators to 3 nodes in near-equal shares", () => {
    const parts = split(40_000, 4);
    const firsts = firstIndexes(parts);
    expect(firsts).toEqual([0, 10_000, 20_000, 30_000]);
    const perGenerator = parts.map((n, g) => {
      const counts = [0, 0, 0];
      for (let i = 0; i < n; i++) counts[nodeOf(firsts[g]!, i, 3)]!++;
      return counts;
    });
    expect(sumPerNode(perGenerator, 3)).toEqual([13_334, 13_333, 13_333]);
  });

  it("picks the node url round-robin, and the single url without urls", () => {
    const c = { url: "http://a", urls: ["http://a", "http://b"], firstIndex: 3 };
    expect([0, 1, 2].map((i) => urlOf(c, i))).toEqual(["http://b", "http://a", "http://b"]);
    expect(urlOf({ url: "http://a" }, 5)).toBe("http://a");
  });

  it("sums per-node counts, skipping generators that reported none", () => {
    expect(sumPerNode([[1, 2], undefined, [3, 4]], 2)).toEqual([4, 6]);
  });
});
