// Small pieces every settlement path shares (the server's payments and refunds, and ending a hold).
import type { DomainEventPublisher, DomainEventType } from "../ports/domain-events.js";
import type { OrderRecord } from "../ports/orders.js";
import type { OrderStatus } from "../protocol.js";
import type { SettleOutcome } from "./ledger-plans.js";

export type SettleResult =
  | { kind: "moved"; to: OrderStatus }
  | { kind: "unchanged"; status: OrderStatus }
  | { kind: "not_found" }
  | { kind: "conflict"; status: OrderStatus };

export const holdRef = (event: { ledger: number }, order: OrderRecord) => ({
  ledger: event.ledger,
  holdId: order.holdId,
  tierIds: order.items.map((i) => i.classId),
  // Only the order's own hold took the code's use (a late payment's hold has none, and is never settled by this).
  codeId: order.holdId === order.id ? (order.codeId ?? null) : null,
});

/** Rejected or not-found answers to a post/void of our own hold are bugs, not outcomes. */
export function assertSettled(outcome: SettleOutcome, what: string): SettleOutcome {
  if (outcome.kind === "rejected" || outcome.kind === "not_found")
    throw new Error(`${what}: ledger answered ${JSON.stringify(outcome)}`);
  return outcome;
}

export async function announce(
  events: DomainEventPublisher,
  order: OrderRecord,
  type: DomainEventType,
  status: OrderStatus,
  atMs: number,
): Promise<void> {
  const quantity = order.items.reduce((s, i) => s + i.quantity, 0);
  await events.publish({
    type,
    orderId: order.id,
    eventId: order.eventId,
    fanId: order.fanId,
    status,
    quantity,
    totalCents: order.totalCents,
    atMs,
  });
}
