// Admission-order inversions: pairs of fans where the later queue number was admitted strictly
// before the earlier one. Counted by merge sort in O(n log n) — a flash sale has 100k fans, and
// the O(n²) pair loop (kept in the tests as the oracle) would take minutes.

/** One admitted fan: the number they held and when they were admitted. */
export interface AdmittedAt {
  queueNumber: number;
  admittedAtMs: number;
}

/** Pairs (a, b) with a.queueNumber < b.queueNumber and b.admittedAtMs < a.admittedAtMs. Fans admitted
 * in the same tick (equal times) are no inversion; equal numbers (never handed out twice) neither. */
export function countInversions(fans: readonly AdmittedAt[]): number {
  const sorted = [...fans].sort((a, b) => a.queueNumber - b.queueNumber || a.admittedAtMs - b.admittedAtMs);
  let times = Float64Array.from(sorted, (f) => f.admittedAtMs);
  let spare = new Float64Array(times.length);
  let inversions = 0;
  // Bottom-up merge sort of the admission times in queue order; a time taken from the right run
  // before the rest of the left run is admitted strictly earlier than each of them.
  for (let width = 1; width < times.length; width *= 2) {
    for (let lo = 0; lo < times.length; lo += 2 * width) {
      inversions += mergeRuns(
        times,
        spare,
        lo,
        Math.min(lo + width, times.length),
        Math.min(lo + 2 * width, times.length),
      );
    }
    [times, spare] = [spare, times];
  }
  return inversions;
}

/** Merges from[lo, mid) and from[mid, hi) into into[lo, hi); returns the strict inversions across them. */
function mergeRuns(from: Float64Array, into: Float64Array, lo: number, mid: number, hi: number): number {
  let i = lo;
  let j = mid;
  let out = lo;
  let found = 0;
  while (i < mid && j < hi) {
    if (from[i]! <= from[j]!) into[out++] = from[i++]!;
    else {
      found += mid - i;
      into[out++] = from[j++]!;
    }
  }
  while (i < mid) into[out++] = from[i++]!;
  while (j < hi) into[out++] = from[j++]!;
  return found;
}
