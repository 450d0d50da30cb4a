// The hold lifecycle as a state machine (architecture.md "Hold lifecycle"):
//   held ──post──▶ paid        held ──void──▶ cancelled | payment_failed      held ──expire──▶ expired
//   expired ──late payment──▶ paid (re-booked) | refunded (no stock)          paid ──refund──▶ refunded
// A payment captured after a cancel or a decline (a second tab, a slow provider) is a late
// payment too: money taken must end as a paid order or a refund, never neither.
// Anything else is not a move: callers get `false` and treat it as "already settled".
import type { OrderStatus } from "../protocol.js";

const moves: Record<OrderStatus, readonly OrderStatus[]> = {
  held: ["paid", "cancelled", "payment_failed", "expired"],
  expired: ["paid", "refunded"],
  paid: ["refunded"],
  cancelled: ["paid", "refunded"],
  payment_failed: ["paid", "refunded"],
  refunded: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return moves[from].includes(to);
}

/** The states a captured payment may still arrive in (re-book or refund). */
export function isLatePayment(status: OrderStatus): boolean {
  return status === "expired" || status === "cancelled" || status === "payment_failed";
}

/** Orders that will never change again. */
export function isFinal(status: OrderStatus): boolean {
  return moves[status].length === 0;
}
