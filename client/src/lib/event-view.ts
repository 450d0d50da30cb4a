// Pure helpers over EventView: ordering, labels and the ledger balance check shown in the UI.
import type { EventStatus, EventView, TicketClassView } from "./views.js";

export const statusLabels: Record<EventStatus, string> = {
  draft: "Draft",
  scheduled: "Coming soon",
  on_sale: "On sale",
  paused: "Paused",
  sold_out: "Sold out",
  closed: "Sale closed",
  cancelled: "Cancelled",
};

/** What fans care about first: what they can buy now, then what opens soon, then the rest. */
const fanOrder: Record<EventStatus, number> = {
  on_sale: 0,
  paused: 1,
  scheduled: 2,
  sold_out: 3,
  closed: 4,
  cancelled: 5,
  draft: 6,
};

function startsAtMs(event: EventView): number {
  const ms = event.startsAt === null ? Number.NaN : Date.parse(event.startsAt);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

export function sortForFans(events: readonly EventView[]): EventView[] {
  return [...events].sort((a, b) => fanOrder[a.status] - fanOrder[b.status] || startsAtMs(a) - startsAtMs(b));
}

/** The cheapest tier, for "from $X"; null when the event has no tiers. */
export function cheapestClass(classes: readonly TicketClassView[]): TicketClassView | null {
  let cheapest: TicketClassView | null = null;
  for (const c of classes) if (cheapest === null || c.priceCents < cheapest.priceCents) cheapest = c;
  return cheapest;
}

/** The ledger invariant per tier: every seat is available, held or sold — never two, never none. */
export function isBalanced(c: Pick<TicketClassView, "available" | "held" | "sold" | "capacity">): boolean {
  return c.available + c.held + c.sold === c.capacity;
}

/** One sentence on where the sale stands, for the event page. `formatDate` is injected for tests. */
export function statusNote(
  event: Pick<EventView, "status" | "waitingRoom">,
  formatDate: (iso: string | null) => string | null,
): string {
  switch (event.status) {
    case "draft":
      return "This event isn't published yet.";
    case "scheduled": {
      const opensAt = formatDate(event.waitingRoom.opensAt);
      return opensAt === null ? "The sale hasn't opened yet." : `The sale opens ${opensAt}.`;
    }
    case "on_sale":
      return "Tickets are on sale now.";
    case "paused":
      return "The sale is paused for the moment.";
    case "sold_out":
      return "Sold out — every ticket has been taken.";
    case "closed":
      return "The sale has closed.";
    case "cancelled":
      return "This event has been cancelled.";
  }
}
