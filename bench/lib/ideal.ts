// The ideal sell-out time of a sale: the same fans, in the same order, through a checkout that
// always runs at its measured capacity and is never kept waiting by the waiting room. Tickets ÷
// capacity is not it: a fan who abandons a hold keeps its tickets until the hold expires, and the
// last of those come back only a hold's length after they were taken — no checkout sells them
// sooner. Each fan costs the checkout its quantity ÷ capacity seconds whatever it does next (an
// abandoned hold is charged like a purchase: the ideal errs long, never short); a fan who pays
// keeps its tickets, one who declines gives them back at once, one who abandons or pays late gives
// them back when the hold expires.

export interface IdealFan {
  /** Seconds after the sale opened that the fan joined the line (0 for a pre-queue). */
  joinedAtS: number;
  quantity: number;
  behaviour: "pay" | "abandon" | "decline" | "late";
}

export interface IdealSale {
  tickets: number;
  /** Tickets per second the checkout sells at (the `purchase` way). */
  capacityPerSecond: number;
  holdSeconds: number;
  /** In line order. */
  fans: readonly IdealFan[];
  /** The stock counts as run out with this many tickets left (the goodput's clock; default 0). */
  runOutLeft?: number;
}

/** What share of a purchase's checkout work a fan with this behaviour costs. */
export type CostShare = (behaviour: IdealFan["behaviour"]) => number;

/** Every fan a whole purchase, whatever it does next: the sell-out ideal errs long, never short. */
const wholePurchase: CostShare = () => 1;

/** A fan who does not pay in time as a hold alone: measured at ~1.0 ms of the shop's CPU (`holds`:
 * server 0.71 + PostgreSQL 0.29 ms a hold) against 2.97 ms a paid ticket (`purchase`), rounded down
 * so that the goodput ideal errs high — declined and late fans also cost a payment session and a
 * webhook, late ones a refund. */
export const nonPayerShareOfPurchase = 0.3;
const holdsOnlyForNonPayers: CostShare = (b) => (b === "pay" ? 1 : nonPayerShareOfPurchase);

interface Walked {
  /** When the last ticket sold, or null when these fans cannot buy them all. */
  soldOutS: number | null;
  /** When the stock first ran out (at most runOutLeft available), and the tickets paid by then. */
  ranOut: { atS: number; sold: number } | null;
}

/** The sale through a checkout that serves fans one after another at its capacity, each charged its share. */
function walk(sale: IdealSale, cost: CostShare): Walked {
  let available = sale.tickets;
  let sold = 0;
  let freeAtS = 0;
  let ranOut: Walked["ranOut"] = null;
  // Tickets coming back when their hold expires, in time order (each taken later than the one before).
  const returns: Array<{ atS: number; tickets: number }> = [];
  for (const fan of sale.fans) {
    let atS = Math.max(freeAtS, fan.joinedAtS);
    while (returns.length > 0 && returns[0]!.atS <= atS) available += returns.shift()!.tickets;
    if (available === 0) {
      const next = returns.shift();
      if (!next) return { soldOutS: null, ranOut };
      atS = Math.max(atS, next.atS);
      available += next.tickets;
    }
    const taken = Math.min(fan.quantity, available);
    available -= taken;
    freeAtS = atS + (cost(fan.behaviour) * taken) / sale.capacityPerSecond;
    if (fan.behaviour === "pay") sold += taken;
    else if (fan.behaviour === "decline") available += taken;
    else returns.push({ atS: atS + sale.holdSeconds, tickets: taken });
    if (available <= (sale.runOutLeft ?? 0) && ranOut === null) ranOut = { atS: freeAtS, sold };
    if (sold === sale.tickets) return { soldOutS: freeAtS, ranOut };
  }
  return { soldOutS: null, ranOut };
}

const usable = (sale: IdealSale) => sale.capacityPerSecond > 0 && sale.tickets > 0;

/** Seconds from opening to the last ticket sold, or null when these fans cannot buy them all. */
export function idealSellOutSeconds(sale: IdealSale): number | null {
  return usable(sale) ? walk(sale, wholePurchase).soldOutS : null;
}

/**
 * The most paid tickets a second until the stock first runs out (the `overload` goodput) that a
 * checkout at this capacity could make of these fans in their order: fans who pay cost a purchase,
 * the others only a hold (nonPayerShareOfPurchase). With a fifth abandoning, a tenth declining and
 * a twentieth paying late, this is below the capacity however good the checkout: holds that never
 * become sales take part of its time. Null when the stock never runs out.
 */
export function idealEarlyGoodput(sale: IdealSale): number | null {
  const first = usable(sale) ? walk(sale, holdsOnlyForNonPayers).ranOut : null;
  return first && first.atS > 0 ? first.sold / first.atS : null;
}
