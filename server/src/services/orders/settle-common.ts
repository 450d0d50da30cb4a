// Small pieces every settlement path shares.
import type { SettleOutcome } from "@stampede/shared/core/ledger-plans";
import type { OrderStatus } from "@stampede/shared/protocol";
import type { EventRecord } from "../events/events-repo.js";
import type { DomainEvents, DomainEventType } from "./domain-events.js";
import type { OrderRecord } from "./orders-repo.js";

export type SettleResult =
  | { kind: "moved"; to: OrderStatus }
  | { kind: "unchanged"; status: OrderStatus }
  | { kind: "not_found" }
  | { kind: "conflict"; status: OrderStatus };

export const holdRef = (event: EventRecord, order: OrderRecord) => ({
  ledger: event.ledger,
  holdId: order.holdId,
  tierIds: order.items.map((i) => i.classId),
});

/** Rejected or not-found answers to a post/void of our own hold are bugs, not outcomes. */
export function assertSettled(outcome: SettleOutcome, what: string): SettleOutcome {
  if (outcome.kind === "rejected" || outcome.kind === "not_found")
    throw new Error(`${what}: ledger answered ${JSON.stringify(outcome)}`);
  return outcome;
}

export async function announce(
  events: DomainEvents,
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
