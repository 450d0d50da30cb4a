// The `sockets` benchmark's arithmetic: each node's memory from its /metrics, the delivery ratio
// over the ticks inside the window, and the per-node rows (sockets held, memory per socket).
import { metric } from "./merge.js";
import type { Row } from "./result.js";
import { round } from "./stats.js";

export interface NodeMemory {
  rssBytes: number;
  heapUsedBytes: number;
  error: string | null;
}

/** One node's RSS and used heap; at its open-files limit it cannot accept even /metrics (error). */
export async function memory(url: string): Promise<NodeMemory> {
  try {
    return {
      rssBytes: (await metric(url, "process_resident_memory_bytes")) ?? 0,
      heapUsedBytes: (await metric(url, "nodejs_heap_size_used_bytes")) ?? 0,
      error: null,
    };
  } catch (e) {
    return {
      rssBytes: 0,
      heapUsedBytes: 0,
      error: `${(e as Error).message}: ${String((e as { cause?: unknown }).cause ?? "")}`,
    };
  }
}

/** Sums `ticks` maps (frame sentAtMs → frames received) of several generators. */
export function mergeTicks(maps: ReadonlyArray<ReadonlyMap<number, number> | undefined>): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of maps) for (const [t, n] of m ?? []) out.set(t, (out.get(t) ?? 0) + n);
  return out;
}

/** Frames received ÷ (ticks × connected sockets), over the ticks sent inside [fromMs, toMs]. */
export function delivery(
  ticks: ReadonlyMap<number, number>,
  connected: number,
  fromMs: number,
  toMs: number,
): { ratio: number; ticksCounted: number } {
  const inner = [...ticks.keys()].filter((t) => t > fromMs && t < toMs);
  const delivered = inner.reduce((a, t) => a + ticks.get(t)!, 0);
  return { ratio: round(delivered / Math.max(1, inner.length * connected), 5), ticksCounted: inner.length };
}

/** Memory growth per held socket in KB ("n/a" when a reading failed or no socket is held). */
export function kbPerSocket(before: NodeMemory, after: NodeMemory, key: "rssBytes" | "heapUsedBytes", sockets: number) {
  if (before.error || after.error || sockets === 0) return "n/a";
  return round((after[key] - before[key]) / sockets / 1024, 1);
}

/** One row per node: the sockets it held, its memory per socket and its delivery ratio. */
export function nodeRows(nodes: {
  held: number[];
  before: NodeMemory[];
  after: NodeMemory[];
  delivery: Array<{ ratio: number; ticksCounted: number }>;
}): Row[] {
  return nodes.held.map((held, k) => ({
    node: k + 1,
    "sockets held": held,
    "RSS MB before → after": `${mb(nodes.before[k]!.rssBytes)} → ${mb(nodes.after[k]!.rssBytes)}`,
    "RSS KB/socket": kbPerSocket(nodes.before[k]!, nodes.after[k]!, "rssBytes", held),
    "heap KB/socket": kbPerSocket(nodes.before[k]!, nodes.after[k]!, "heapUsedBytes", held),
    "delivery ratio": nodes.delivery[k]!.ratio,
  }));
}

const mb = (bytes: number): number => round(bytes / 1024 / 1024, 0);
