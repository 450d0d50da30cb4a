// A fan's own refund, inside the event's refund window (core/refund-window.ts decides): the same
// refund as an admin's (settlement.refund: money back through the provider, tickets void, stock
// returned), asked for with the order's token.
import type { FanRefundView } from "@stampede/shared/api/refunds";
import { fanRefundDecision, type RefundDecision } from "@stampede/shared/core/refund-window";
import type { SettleResult } from "@stampede/shared/core/settle-common";
import type { EventRecord } from "../../adapters/postgres/events-repo.js";
import type { OrderRecord } from "../../adapters/postgres/orders-repo.js";
import type { RefundPoliciesRepo } from "../../adapters/postgres/refund-policies-repo.js";
import type { TicketsRepo } from "../../adapters/postgres/tickets-repo.js";
import { DomainError } from "../errors.js";

export interface FanRefundsDeps {
  policies: Pick<RefundPoliciesRepo, "get" | "openListings">;
  tickets: Pick<TicketsRepo, "ofOrder">;
  events: { get(id: string): Promise<EventRecord | null> };
  refund(orderId: string): Promise<SettleResult>;
  now?: () => number;
}

export class FanRefunds {
  constructor(private readonly deps: FanRefundsDeps) {}

  async decide(order: OrderRecord): Promise<RefundDecision> {
    const [policy, tickets, openListings, event] = await Promise.all([
      this.deps.policies.get(order.eventId),
      this.deps.tickets.ofOrder(order.id),
      this.deps.policies.openListings(order.id),
      this.deps.events.get(order.eventId),
    ]);
    return fanRefundDecision({
      status: order.status,
      paidAtMs: order.paidAt ? Date.parse(order.paidAt) : null,
      startsAtMs: event?.startsAt ? Date.parse(event.startsAt) : null,
      windowHours: policy.refundWindowHours,
      tickets: tickets.map((t) => ({ checkedIn: t.checkedInAt !== null, resold: t.resoldAt !== null })),
      openListings,
      nowMs: (this.deps.now ?? Date.now)(),
    });
  }

  async view(order: OrderRecord): Promise<FanRefundView> {
    const d = await this.decide(order);
    return {
      refundable: d.ok,
      until: d.untilMs === null ? null : new Date(d.untilMs).toISOString(),
      reason: d.ok ? null : d.reason,
    };
  }

  /** Refunds the order if its fan may now; refund_not_allowed (with the reason) otherwise. */
  async refund(order: OrderRecord): Promise<void> {
    const d = await this.decide(order);
    if (!d.ok)
      throw new DomainError("refund_not_allowed", `this order cannot be refunded by its fan: ${d.reason}`, {
        details: { reason: d.reason, until: d.untilMs === null ? null : new Date(d.untilMs).toISOString() },
      });
    const result = await this.deps.refund(order.id);
    // Moved by someone else meanwhile (an admin's refund, a provider's): the page reads the order again.
    if (result.kind === "conflict")
      throw new DomainError("refund_not_allowed", `the order is ${result.status}`, { details: { reason: "not_paid" } });
  }
}
