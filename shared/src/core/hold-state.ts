// The hold lifecycle as a state machine (architecture.md "Hold lifecycle"):
//   held ──post──▶ paid        held ──void──▶ cancelled | payment_failed      held ──expire──▶ expired
//   expired ──late payment──▶ paid (re-booked) | refunded (no stock)          paid ──refund──▶ refunded
// Anything else is not a move: callers get `false` and treat it as "already settled".
import type { OrderStatus } from "../protocol.js";

const moves: Record<OrderStatus, readonly OrderStatus[]> = {
  held: ["paid", "cancelled", "payment_failed", "expired"],
  expired: ["paid", "refunded"],
  paid: ["refunded"],
  cancelled: [],
  payment_failed: [],
  refunded: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return moves[from].includes(to);
}

/** Orders that will never change again. */
export function isFinal(status: OrderStatus): boolean {
  return moves[status].length === 0;
}
