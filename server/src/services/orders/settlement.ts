// How an order settles with money involved: the payment webhook (paid, declined, cancelled,
// late) and admin refunds. (Expiry and the fan's cancel are in hold-ending.ts.) Each is idempotent — already
// settled is an outcome — and each order change is a compare-and-set inside one transaction.
import { canMove, isLatePayment } from "@stampede/shared/core/hold-state";
import { holdOutcome, planHold, planPost, planVoid, settleOutcome, type SettleOutcome } from "@stampede/shared/core/ledger-plans";
import { announce, assertSettled, holdRef, type SettleResult } from "./settle-common.js";
import { planReturn } from "@stampede/shared/core/stock";
import { holdSecondsMin } from "@stampede/shared/limits";
import { isUuid, uuidv7 } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { OrderStatus } from "@stampede/shared/protocol";
import { inTransaction, type Pool, type PoolClient } from "../../adapters/postgres/pool.js";
import type { WaitingRoomStore } from "../../adapters/redis/waiting-room/store.js";
import type { Logger } from "../../logger.js";
import type { PaymentProvider } from "../../payments/provider.js";
import type { WebhookEvent } from "../../payments/webhook.js";
import type { EventRecord, EventsRepo } from "../events/events-repo.js";
import type { DomainEvents, DomainEventType } from "./domain-events.js";
import { grantPerks, issueTickets, voidTickets } from "./fulfilment.js";
import type { OrderRecord, OrdersRepo } from "./orders-repo.js";
import type { TicketCodes } from "./ticket-codes.js";

export interface SettlementDeps {
  pool: Pool;
  orders: OrdersRepo;
  events: EventsRepo;
  ledger: Ledger;
  provider: PaymentProvider;
  codes: TicketCodes;
  store: WaitingRoomStore;
  domainEvents: DomainEvents;
  logger: Logger;
  now?: () => number;
}

export type WebhookResult = "applied" | "duplicate" | "unknown_order" | "ignored";

/** A payment's hold, posted before the settling transaction (see postEarly). */
interface EarlyPost {
  holdId: string;
  posted: SettleOutcome;
  event: EventRecord;
}

export class Settlement {
  private readonly now: () => number;
  constructor(private readonly deps: SettlementDeps) {
    this.now = deps.now ?? Date.now;
  }

  private async event(id: string): Promise<EventRecord> {
    const event = await this.deps.events.get(id);
    if (!event) throw new Error(`order refers to a missing event ${id}`);
    return event;
  }

  private announce(order: OrderRecord, type: DomainEventType, status: OrderStatus): Promise<void> {
    return announce(this.deps.domainEvents, order, type, status, this.now());
  }

  /**
   * A payment for a held order is posted in the ledger before the transaction, so no database
   * connection waits on the ledger. Posting is idempotent, and a concurrent void (cancel, expiry)
   * that loses to it answers already_posted and leaves the order to this payment; if the void
   * wins, the transaction below finds the order ended and takes the late-payment path.
   */
  private async postEarly(evt: WebhookEvent): Promise<EarlyPost | null> {
    if (evt.type !== "payment.succeeded" || !isUuid(evt.data.orderId)) return null;
    const order = await this.deps.orders.get(evt.data.orderId);
    if (order?.status !== "held" || order.paymentSessionId !== evt.data.sessionId) return null;
    const event = await this.event(order.eventId);
    const posted = settleOutcome(await this.deps.ledger.createTransfers(planPost(holdRef(event, order))));
    return { holdId: order.holdId, posted, event };
  }

  /** Applies one provider event exactly once (the inbox row and the order change commit together). */
  async applyWebhook(evt: WebhookEvent): Promise<WebhookResult> {
    const after: Array<() => Promise<void>> = [];
    const early = await this.postEarly(evt);
    const result = await inTransaction(this.deps.pool, async (client) => {
      // Not a uuid: no order of ours (asked of the database it would be an error, not an answer).
      const order = isUuid(evt.data.orderId) ? await this.deps.orders.getForUpdate(client, evt.data.orderId) : null;
      const inbox = async (outcome: string) =>
        (await client.query(
          "INSERT INTO payment_inbox (event_id, type, order_id, session_id, outcome) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
          [evt.id, evt.type, order?.id ?? null, evt.data.sessionId, outcome],
        )).rowCount === 1;
      // An event for an order we do not know (or a session that is not the order's) is recorded
      // and acknowledged: retrying could never change the answer, so no retry storm.
      if (!order || order.paymentSessionId !== evt.data.sessionId) return (await inbox("unknown_order")) ? "unknown_order" : "duplicate";
      if (!(await inbox("applied"))) return "duplicate";
      const outcome = await this.applyToOrder(client, evt, order, after, early);
      await client.query("UPDATE payment_inbox SET outcome = $2 WHERE event_id = $1", [evt.id, outcome]);
      return outcome === "ignored" ? "ignored" : "applied";
    });
    for (const fn of after) await fn();
    return result;
  }

  private async applyToOrder(client: PoolClient, evt: WebhookEvent, order: OrderRecord, after: Array<() => Promise<void>>, early: EarlyPost | null): Promise<string> {
    const event = early?.event ?? (await this.event(order.eventId));
    switch (evt.type) {
      case "payment.succeeded":
        return this.paymentSucceeded(client, event, order, after, early?.holdId === order.holdId ? early.posted : null);
      case "payment.failed":
      case "payment.canceled": {
        if (order.status !== "held") return "ignored";
        const to: OrderStatus = evt.type === "payment.failed" ? "payment_failed" : "cancelled";
        const voided = assertSettled(settleOutcome(await this.deps.ledger.createTransfers(planVoid(holdRef(event, order)))), "void");
        if (voided.kind === "already_posted") return "ignored"; // cannot happen without a payment; leave it to that event
        await this.deps.orders.move(client, order.id, "held", to, { reason: evt.type });
        after.push(() => this.announce(order, "hold.voided", to));
        return to;
      }
      case "refund.succeeded":
        if (order.status === "refunded") return "ignored";
        if (!canMove(order.status, "refunded")) return "ignored";
        await this.deps.orders.move(client, order.id, order.status, "refunded", { reason: "refund.succeeded" });
        await voidTickets(client, order.id);
        after.push(() => this.announce(order, "order.refunded", "refunded"));
        return "refunded";
    }
  }

  private async paymentSucceeded(client: PoolClient, event: EventRecord, order: OrderRecord, after: Array<() => Promise<void>>, postedEarly: SettleOutcome | null): Promise<string> {
    if (order.status === "paid" || order.status === "refunded") return "ignored";
    if (order.status === "held") {
      const posted = assertSettled(postedEarly ?? settleOutcome(await this.deps.ledger.createTransfers(planPost(holdRef(event, order)))), "post");
      if (posted.kind === "done" || posted.kind === "already_posted") return this.markPaid(client, event, order, "held", after);
      // expired or voided in the ledger before the payment landed: a late payment
    }
    if (order.status === "held" || isLatePayment(order.status)) return this.latePayment(client, event, order, after);
    return "ignored";
  }

  private async markPaid(client: PoolClient, event: EventRecord, order: OrderRecord, from: OrderStatus, after: Array<() => Promise<void>>, holdId?: string): Promise<string> {
    if (!(await this.deps.orders.move(client, order.id, from, "paid", holdId ? { holdId } : {}))) throw new Error(`order ${order.id} moved under a row lock`);
    await issueTickets(client, this.deps.codes, order);
    await grantPerks(client, this.deps.ledger, event, order.id);
    after.push(async () => {
      await this.announce(order, "order.paid", "paid");
      if (event.waitingRoom.endAdmissionOnPaid) await this.deps.store.releaseSlot(order.eventId, order.fanId, order.admissionJti);
    });
    return "paid";
  }

  /** The money is captured but the hold is gone: hold again and post at once if stock is left, else refund. */
  private async latePayment(client: PoolClient, event: EventRecord, order: OrderRecord, after: Array<() => Promise<void>>): Promise<string> {
    const from = order.status;
    const holdId = uuidv7();
    const plan = planHold({ ledger: event.ledger, holdId, fanId: order.fanId, perFanMax: event.waitingRoom.perFanMax, holdSeconds: holdSecondsMin, items: order.items.map((i) => ({ tierId: i.classId, quantity: i.quantity })) });
    await this.deps.ledger.createAccounts(plan.accounts);
    const held = holdOutcome(plan, await this.deps.ledger.createTransfers(plan.transfers));
    if (held.kind === "placed") {
      const posted = assertSettled(settleOutcome(await this.deps.ledger.createTransfers(planPost(plan.hold))), "late post");
      if (posted.kind === "done" || posted.kind === "already_posted") {
        if (from === "held") await this.deps.orders.move(client, order.id, "held", "expired", { reason: "expired before payment" });
        return this.markPaid(client, event, { ...order, holdId }, from === "held" ? "expired" : from, after, holdId);
      }
    }
    const refund = await this.deps.provider.refund({ sessionId: order.paymentSessionId ?? "", reason: "late payment: no tickets left" });
    this.deps.logger.info({ orderId: order.id, refund }, "late payment refunded");
    if (from === "held") await this.deps.orders.move(client, order.id, "held", "expired", { reason: "expired before payment" });
    await this.deps.orders.move(client, order.id, from === "held" ? "expired" : from, "refunded", { reason: "late payment, no stock" });
    after.push(() => this.announce(order, "order.refunded", "refunded"));
    return "refunded";
  }

  /** Admin refund of a paid order: money back through the provider, tickets void, stock back to the pool. */
  async refund(orderId: string): Promise<SettleResult> {
    const after: Array<() => Promise<void>> = [];
    const result = await inTransaction(this.deps.pool, async (client): Promise<SettleResult> => {
      const order = await this.deps.orders.getForUpdate(client, orderId);
      if (!order) return { kind: "not_found" };
      if (order.status === "refunded") return { kind: "unchanged", status: order.status };
      if (order.status !== "paid") return { kind: "conflict", status: order.status };
      const event = await this.event(order.eventId);
      const refund = await this.deps.provider.refund({ sessionId: order.paymentSessionId ?? "", reason: "refunded by an admin" });
      if (refund.kind !== "refunded") throw new Error(`provider refused the refund of paid order ${order.id}: ${refund.reason}`);
      const returned = settleOutcome(await this.deps.ledger.createTransfers(planReturn({ ledger: event.ledger, orderId: order.id, fanId: order.fanId, items: order.items.map((i) => ({ tierId: i.classId, quantity: i.quantity })) })));
      assertSettled(returned, "return");
      await this.deps.orders.move(client, order.id, "paid", "refunded", { reason: "admin refund" });
      await voidTickets(client, order.id);
      after.push(() => this.announce(order, "order.refunded", "refunded"));
      return { kind: "moved", to: "refunded" };
    });
    for (const fn of after) await fn();
    return result;
  }
}
