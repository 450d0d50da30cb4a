// A seeded source of numbers in [0, 1): the same seed gives the same sequence, so a chaos run's
// schedule and every fan's decisions repeat exactly. Drawn from fast-check's generator without
// its bias (fast-check leans towards edge values on purpose; a crowd must not).
import fc from "fast-check";

const chunk = 1_024;
const scale = 2 ** 32;

export class SeededRandom {
  private values: number[] = [];
  private next = 0;
  private chunks = 0;

  constructor(readonly seed: number) {}

  /** A number in [0, 1). */
  float(): number {
    if (this.next === this.values.length) {
      // Each chunk has a seed of its own, derived from the run's: still one fixed sequence.
      const seed = (this.seed + Math.imul(this.chunks++, 0x9e3779b9)) | 0;
      this.values = fc.sample(fc.noBias(fc.integer({ min: 0, max: scale - 1 })), { seed, numRuns: chunk });
      this.next = 0;
    }
    return this.values[this.next++]! / scale;
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One of the values, each with its weight (the weights sum to 1). */
  pick<T>(weights: Array<[T, number]>): T {
    const r = this.float();
    let acc = 0;
    for (const [value, weight] of weights) {
      acc += weight;
      if (r < acc) return value;
    }
    return weights[weights.length - 1]![0];
  }
}
