// The event status workflow: draft → scheduled → on_sale ⇄ paused → closed, cancelled from any
// state but cancelled (a closed sale's event can still be called off: its paid orders are
// refunded). sold_out is entered and left by the system (stock gone / stock returned), never set
// by hand.
import type { EventStatus } from "../api/events.js";

const adminTransitions: Record<EventStatus, readonly EventStatus[]> = {
  draft: ["scheduled", "on_sale", "cancelled"],
  scheduled: ["draft", "on_sale", "cancelled"],
  on_sale: ["paused", "closed", "cancelled"],
  paused: ["on_sale", "closed", "cancelled"],
  sold_out: ["paused", "closed", "cancelled"],
  closed: ["cancelled"],
  cancelled: [],
};

export function canTransition(from: EventStatus, to: EventStatus): boolean {
  return adminTransitions[from].includes(to);
}

export function allowedTransitions(from: EventStatus): readonly EventStatus[] {
  return adminTransitions[from];
}

/** Statuses the public can see (drafts and cancelled events are hidden). */
export const publishedStatuses: readonly EventStatus[] = ["scheduled", "on_sale", "paused", "sold_out", "closed"];

/** The system's own moves on stock changes: sold out when nothing is available or held, back on sale when stock returns. */
export function statusAfterStock(status: EventStatus, stock: { available: number; held: number }): EventStatus {
  if (status === "on_sale" && stock.available === 0 && stock.held === 0) return "sold_out";
  if (status === "sold_out" && (stock.available > 0 || stock.held > 0)) return "on_sale";
  return status;
}
