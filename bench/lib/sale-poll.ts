// Watches a sale from the admin's stats every 100 ms: when the stock first ran out, when everything
// was sold, and how many fans were admitted while nothing was available to buy: the admitted total
// grew between two reads that both saw 0 available, by more than the orders placed between them.
// Each such order took a ticket that came back and went again between the reads (a hold ended, a
// fan was let in for it and held it within 100 ms — seen in the last seconds of a flash sale),
// and so accounts for one admission; what is left over was let in to nothing.
import { adminAuth } from "./stack.js";

interface Stats {
  classes: Array<{ available: number; sold: number }>;
  queue: { admittedTotal: number };
  orders: Record<string, number>;
}

/** The stock counts as run out with this many tickets left (1% of them): a few tickets a declined
 * payment gave back can stay unclaimed while the stock-aware room expects fans already admitted to
 * take them (seen: a run's "stock empty" clock ran from the 14th second, when the room stopped
 * admitting with nearly everything sold or held, to the 39th). */
export function runOutLeftMax(capacity: number): number {
  return Math.floor(capacity / 100);
}

export interface SaleTimeline {
  /** When the stock first ran out (at most runOutLeftMax left), and the tickets sold and left then
   * (the checkout's pace while there was stock and demand). */
  ranOutAtMs: number | null;
  soldAtRunOut: number | null;
  leftAtRunOut: number | null;
  soldOutAtMs: number | null;
  /** Time until sold out with something available to buy (goodput's clock: while everything left
   * is held, no checkout can sell). */
  stockedMs: number;
  admittedToNothing: number;
  errors: string[];
}

export function noTimeline(): SaleTimeline {
  return {
    ranOutAtMs: null,
    soldAtRunOut: null,
    leftAtRunOut: null,
    soldOutAtMs: null,
    stockedMs: 0,
    admittedToNothing: 0,
    errors: [],
  };
}

export function watchSale(
  url: string,
  eventId: string,
  capacity: number,
  onRunOut?: () => void,
): { stop(): Promise<SaleTimeline> } {
  const timeline = noTimeline();
  let polling = true;
  let last: { available: number; admitted: number; orders: number; atMs: number } | null = null;
  const poll = async () => {
    while (polling) {
      const res = await fetch(`${url}/api/admin/events/${eventId}/stats`, { headers: { authorization: adminAuth } });
      const s = (await res.json()) as Stats;
      if (Array.isArray(s.classes)) {
        const available = s.classes.reduce((a, c) => a + c.available, 0);
        const sold = s.classes.reduce((a, c) => a + c.sold, 0);
        const atMs = Date.now();
        if (last && last.available > 0 && timeline.soldOutAtMs === null) timeline.stockedMs += atMs - last.atMs;
        if (timeline.ranOutAtMs === null && available <= runOutLeftMax(capacity)) {
          Object.assign(timeline, { ranOutAtMs: Date.now(), soldAtRunOut: sold, leftAtRunOut: available });
          onRunOut?.();
        }
        if (timeline.soldOutAtMs === null && sold === capacity) timeline.soldOutAtMs = Date.now();
        const orders = Object.values(s.orders).reduce((a, n) => a + n, 0);
        if (last && last.available === 0 && available === 0) {
          timeline.admittedToNothing += Math.max(0, s.queue.admittedTotal - last.admitted - (orders - last.orders));
        }
        last = { available, admitted: s.queue.admittedTotal, orders, atMs };
      } else if (timeline.errors.length < 3) {
        timeline.errors.push(JSON.stringify(s).slice(0, 300));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const running = poll();
  return {
    async stop() {
      polling = false;
      await running;
      return timeline;
    },
  };
}
