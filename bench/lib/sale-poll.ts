// Watches a sale from the admin's stats every 100 ms: when the stock first ran out, when everything
// was sold, and how many fans were admitted while nothing was available to buy (the admitted total
// grew between two reads that both saw 0 available — a conservative count: admissions in a gap
// where stock came and went are not counted).
import { adminAuth } from "./stack.js";

interface Stats {
  classes: Array<{ available: number; sold: number }>;
  queue: { admittedTotal: number };
}

export interface SaleTimeline {
  firstEmptyAtMs: number | null;
  /** Tickets sold when the stock first ran out (the checkout's pace while there was stock and demand). */
  soldAtFirstEmpty: number | null;
  soldOutAtMs: number | null;
  /** Time until sold out with something available to buy (goodput's clock: while everything left
   * is held, no checkout can sell). */
  stockedMs: number;
  admittedToNothing: number;
  errors: string[];
}

export function watchSale(url: string, eventId: string, capacity: number, onFirstEmpty?: () => void): { stop(): Promise<SaleTimeline> } {
  const timeline: SaleTimeline = {
    firstEmptyAtMs: null, soldAtFirstEmpty: null, soldOutAtMs: null, stockedMs: 0, admittedToNothing: 0, errors: [],
  };
  let polling = true;
  let last: { available: number; admitted: number; atMs: number } | null = null;
  const poll = async () => {
    while (polling) {
      const res = await fetch(`${url}/api/admin/events/${eventId}/stats`, { headers: { authorization: adminAuth } });
      const s = (await res.json()) as Stats;
      if (Array.isArray(s.classes)) {
        const available = s.classes.reduce((a, c) => a + c.available, 0);
        const sold = s.classes.reduce((a, c) => a + c.sold, 0);
        const atMs = Date.now();
        if (last && last.available > 0 && timeline.soldOutAtMs === null) timeline.stockedMs += atMs - last.atMs;
        if (timeline.firstEmptyAtMs === null && available === 0) {
          timeline.firstEmptyAtMs = Date.now();
          timeline.soldAtFirstEmpty = sold;
          onFirstEmpty?.();
        }
        if (timeline.soldOutAtMs === null && sold === capacity) timeline.soldOutAtMs = Date.now();
        if (last && last.available === 0 && available === 0) {
          timeline.admittedToNothing += Math.max(0, s.queue.admittedTotal - last.admitted);
        }
        last = { available, admitted: s.queue.admittedTotal, atMs };
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
