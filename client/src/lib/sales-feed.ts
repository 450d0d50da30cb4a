// The dashboard's sales feed as pure data: one line per change of an order (order id + type is
// its key), newest first, bounded; the live batches and the history read merge by that key.
import type { AdminSale } from "@stampede/shared/protocol";

/** A feed line: the sale plus its key, one order's one change (an order changes several times). */
export interface FeedSale extends AdminSale {
  key: string;
}

export function saleKey(sale: Pick<AdminSale, "orderId" | "type">): string {
  return `${sale.orderId}:${sale.type}`;
}

/**
 * `incoming` (newest first) merged into `feed`: one line per key, newest first, at most `max`.
 * Equal times keep incoming lines above older ones.
 */
export function mergeSales(feed: readonly FeedSale[], incoming: readonly AdminSale[], max: number): FeedSale[] {
  const seen = new Set<string>();
  const lines: FeedSale[] = [];
  for (const sale of [...incoming.map((s) => ({ ...s, key: saleKey(s) })), ...feed]) {
    if (seen.has(sale.key)) continue;
    seen.add(sale.key);
    lines.push(sale);
  }
  return lines.sort((a, b) => b.atMs - a.atMs).slice(0, max);
}
