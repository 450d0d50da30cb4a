// Spreading sockets (or fans) over server nodes: the i-th of them overall goes to node i mod nodes
// (round-robin), whichever generator process holds it. A generator is told the node urls and the
// overall index of its first socket, so the nodes get near-equal shares for any generator count.

/** Per generator (sizes from `split`), the overall index of its first socket. */
export function firstIndexes(parts: readonly number[]): number[] {
  let next = 0;
  return parts.map((n) => ((next += n), next - n));
}

/** The node of the i-th socket of a generator whose first socket has overall index `first`. */
export const nodeOf = (first: number, i: number, nodes: number): number => (first + i) % Math.max(1, nodes);

/** The url for that socket: `urls` when given (one per node), else the generator's single url. */
export function urlOf(c: { url: string; urls?: readonly string[]; firstIndex?: number }, i: number): string {
  return c.urls?.length ? c.urls[nodeOf(c.firstIndex ?? 0, i, c.urls.length)]! : c.url;
}

/** Sums per-node counts of several generators. */
export function sumPerNode(rows: ReadonlyArray<readonly number[] | undefined>, nodes: number): number[] {
  const out = new Array<number>(Math.max(1, nodes)).fill(0);
  for (const r of rows) r?.forEach((n, k) => k < out.length && (out[k]! += n));
  return out;
}
