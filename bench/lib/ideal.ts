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
}

/** Seconds from opening to the last ticket sold, or null when these fans cannot buy them all. */
export function idealSellOutSeconds(sale: IdealSale): number | null {
  if (!(sale.capacityPerSecond > 0) || sale.tickets <= 0) return null;
  let available = sale.tickets;
  let sold = 0;
  let freeAtS = 0;
  // Tickets coming back when their hold expires, in time order (each taken later than the one before).
  const returns: Array<{ atS: number; tickets: number }> = [];
  for (const fan of sale.fans) {
    let atS = Math.max(freeAtS, fan.joinedAtS);
    while (returns.length > 0 && returns[0]!.atS <= atS) available += returns.shift()!.tickets;
    if (available === 0) {
      const next = returns.shift();
      if (!next) return null;
      atS = Math.max(atS, next.atS);
      available += next.tickets;
    }
    const taken = Math.min(fan.quantity, available);
    available -= taken;
    freeAtS = atS + taken / sale.capacityPerSecond;
    if (fan.behaviour === "pay") {
      sold += taken;
      if (sold === sale.tickets) return freeAtS;
    } else if (fan.behaviour === "decline") {
      available += taken;
    } else {
      returns.push({ atS: atS + sale.holdSeconds, tickets: taken });
    }
  }
  return null;
}
