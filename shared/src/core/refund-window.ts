// Whether a fan may have their order refunded now: a paid order, inside the event's refund window
// (hours after paying; 0 means fans cannot), before the event starts, with no ticket used at the
// door, sold on, or listed for resale (withdraw the listing first). Pure; the server decides with
// it and the order page shows the same answer.
import type { RefundRefusal } from "../api/refunds.js";

export interface RefundCase {
  status: string;
  paidAtMs: number | null;
  /** The event's start, if it has one. */
  startsAtMs: number | null;
  windowHours: number;
  tickets: ReadonlyArray<{ checkedIn: boolean; resold: boolean }>;
  openListings: number;
  nowMs: number;
}

export type RefundDecision =
  { ok: true; untilMs: number } | { ok: false; reason: RefundRefusal; untilMs: number | null };

export function fanRefundDecision(c: RefundCase): RefundDecision {
  if (c.windowHours <= 0) return { ok: false, reason: "no_fan_refunds", untilMs: null };
  if (c.status !== "paid" || c.paidAtMs === null) return { ok: false, reason: "not_paid", untilMs: null };
  const windowEnd = c.paidAtMs + c.windowHours * 3_600_000;
  const untilMs = c.startsAtMs === null ? windowEnd : Math.min(windowEnd, c.startsAtMs);
  const refuse = (reason: RefundRefusal): RefundDecision => ({ ok: false, reason, untilMs });
  if (c.startsAtMs !== null && c.nowMs >= c.startsAtMs) return refuse("event_started");
  if (c.nowMs >= windowEnd) return refuse("window_closed");
  if (c.tickets.some((t) => t.resold)) return refuse("resold");
  if (c.tickets.some((t) => t.checkedIn)) return refuse("checked_in");
  if (c.openListings > 0) return refuse("listed");
  return { ok: true, untilMs };
}
