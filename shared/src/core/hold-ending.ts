// Ending a hold without a payment: at its expiry (the worker's delayed job and the sweeper) or
// when the fan cancels. Voids the ledger hold (already voided / expired are outcomes), moves the
// order held → expired | cancelled by compare-and-set, frees the checkout slot on expiry, and
// announces the change. Needs no payment provider, so the workers run it as is; it sees the stores
// through the ports in ../ports, so both processes run the same code on their own adapters.
import type { Clock } from "../ports/clock.js";
import type { Ledger } from "../ledger/port.js";
import type { DomainEventPublisher } from "../ports/domain-events.js";
import type { EventLedgerLookup } from "../ports/events.js";
import type { OrderRecord, OrderStatusStore } from "../ports/orders.js";
import type { CheckoutSlots } from "../ports/waiting-room.js";
import { planVoid, settleOutcome } from "./ledger-plans.js";
import { announce, assertSettled, holdRef, type SettleResult } from "./settle-common.js";

/** Holds ended at once by expireDue. */
const expireTogetherMax = 32;

export interface HoldEndingDeps {
  orders: OrderStatusStore;
  events: EventLedgerLookup;
  ledger: Ledger;
  store: CheckoutSlots;
  domainEvents: DomainEventPublisher;
  now?: Clock;
}

export class HoldEnding {
  private readonly now: Clock;
  constructor(private readonly deps: HoldEndingDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Ends a hold at its expiry (worker job or sweeper); a paid or settled order is left alone. */
  async expire(orderId: string): Promise<SettleResult> {
    return this.endHold(orderId, "expired", (o) => o.expiresAt <= new Date(this.now() + 1_000).toISOString());
  }

  /**
   * Ends every hold due now, up to `limit` (the per-second expiry job and the sweeper): the voids
   * go to the ledger together, so it batches them. Returns how many were due and how many ended here.
   */
  async expireDue(limit: number): Promise<{ due: number; expired: number }> {
    const due = await this.deps.orders.dueHolds(new Date(this.now()), limit);
    let expired = 0;
    // A few dozen at a time: enough for the ledger to batch, few enough not to queue on the pool.
    for (let i = 0; i < due.length; i += expireTogetherMax) {
      const results = await Promise.all(due.slice(i, i + expireTogetherMax).map((order) => this.expire(order.id)));
      expired += results.filter((r) => r.kind === "moved").length;
    }
    return { due: due.length, expired };
  }

  /** The fan cancels a held order. */
  async cancel(orderId: string): Promise<SettleResult> {
    return this.endHold(orderId, "cancelled", () => true);
  }

  /**
   * The void goes to the ledger with no transaction open (no row lock waits on it); the order then
   * moves by one compare-and-set statement. A payment that posts first makes the void answer
   * already_posted (conflict: the order is the payment's); one that posts after finds the hold
   * voided and re-books as a late payment.
   */
  private async endHold(
    orderId: string,
    to: "expired" | "cancelled",
    due: (o: OrderRecord) => boolean,
  ): Promise<SettleResult> {
    const order = await this.deps.orders.get(orderId);
    if (!order) return { kind: "not_found" };
    if (order.status !== "held")
      return to === "cancelled"
        ? { kind: "conflict", status: order.status }
        : { kind: "unchanged", status: order.status };
    if (!due(order)) return { kind: "unchanged", status: order.status };
    const event = await this.deps.events.get(order.eventId);
    if (!event) throw new Error(`order ${order.id} refers to a missing event`);
    const voided = assertSettled(
      settleOutcome(await this.deps.ledger.createTransfers(planVoid(holdRef(event, order)))),
      "void",
    );
    if (voided.kind === "already_posted") return { kind: "conflict", status: order.status };
    if (!(await this.deps.orders.moveStatus(order.id, "held", to))) {
      const status = (await this.deps.orders.get(orderId))?.status ?? order.status;
      return to === "cancelled" ? { kind: "conflict", status } : { kind: "unchanged", status };
    }
    await announce(this.deps.domainEvents, order, to === "expired" ? "hold.expired" : "hold.voided", to, this.now());
    if (to === "expired") await this.deps.store.releaseSlot(order.eventId, order.fanId, order.admissionJti);
    return { kind: "moved", to };
  }
}
