// How an order settles with money involved: the payment webhook (paid, declined, cancelled,
// late) and admin refunds. (Expiry and the fan's cancel are in hold-ending.ts.)
//
// No database connection ever waits on the ledger or the provider while it holds a row lock:
//  1. prepare: the ledger effect of the event, before any transaction, under ids derived from the
//     order (its own hold, lateHoldId(order) for a late payment, perk grants per order), so a retry
//     after a failed commit or a crash finds the same effect (`exists`) instead of a second one;
//  2. one short transaction: the inbox row and the order's compare-and-set on its status (plus
//     tickets, perks and any refund intent) commit together, exactly once — for the common case
//     (paid while held) shared by every payment settling at the same moment (paid-batch.ts);
//  3. after the commit: announcements and refunds (refund-intents.ts).
// The SQL of all this is in the repositories (adapters/postgres: orders-repo.ts, payment-inbox.ts,
// paid-batch.ts, fulfilment-repo.ts, refund-intents-repo.ts); a transaction here is an opaque Tx.
import type { Clock } from "@stampede/shared/ports/clock";
import { isLatePayment } from "@stampede/shared/core/hold-state";
import { lateHoldId } from "@stampede/shared/core/ledger-ids";
import { holdOutcome, planHold, planPost, planVoid, settleOutcome } from "@stampede/shared/core/ledger-plans";
import { holdSecondsMin } from "@stampede/shared/limits";
import { isUuid } from "@stampede/shared/ids";
import type { Ledger } from "@stampede/shared/ledger/port";
import type { OrderStatus } from "@stampede/shared/protocol";
import type { Transactions, Tx } from "@stampede/shared/ports/transaction";
import type { WaitingRoom } from "@stampede/shared/ports/waiting-room";
import type { Logger } from "../../logger.js";
import type { PaymentProviders } from "@stampede/shared/ports/payment-providers";
import type { WebhookEvent } from "../../payments/webhook.js";
import type { EventRecord, EventsRepo } from "../../adapters/postgres/events-repo.js";
import type { DomainEvents, DomainEventType } from "../../adapters/redis/domain-events.js";
import { grantPerks, issueTickets, ticketRows } from "./fulfilment.js";
import { recordPerks, voidTickets } from "../../adapters/postgres/fulfilment-repo.js";
import type { OrderRecord, OrdersRepo } from "../../adapters/postgres/orders-repo.js";
import type { PaidBatch } from "../../adapters/postgres/paid-batch.js";
import type { PaymentInbox } from "../../adapters/postgres/payment-inbox.js";
import type { RefundIntentsRepo } from "../../adapters/postgres/refund-intents-repo.js";
import { RefundRunner, type RefundIntent } from "./refund-intents.js";
import { announce, assertSettled, holdRef, type SettleResult } from "@stampede/shared/core/settle-common";
import type { TicketCodes } from "./ticket-codes.js";

export interface SettlementDeps {
  transactions: Transactions;
  orders: OrdersRepo;
  /** Payments of held orders settling at the same moment: one transaction for all (paid-batch.ts). */
  paidBatch: PaidBatch;
  inbox: PaymentInbox;
  refundIntents: RefundIntentsRepo;
  /** Event records (a cache: settlement reads only what never changes after creation, and perks). */
  events: Pick<EventsRepo, "get">;
  ledger: Ledger;
  providers: PaymentProviders;
  codes: TicketCodes;
  store: WaitingRoom;
  domainEvents: DomainEvents;
  logger: Logger;
  now?: Clock;
}

/** mismatch: a payment whose amount or currency is not the order's — recorded, never settled. */
export type WebhookResult = "applied" | "duplicate" | "unknown_order" | "ignored" | "mismatch";

/** The ledger's part of a provider event, done before the transaction (see prepare). */
type Prepared =
  | { kind: "pay"; event: EventRecord; order: OrderRecord; holdId: string; late: boolean; perks: string[] }
  | { kind: "refund_late" }
  | { kind: "voided" }
  | { kind: "mismatch" }
  | { kind: "none" };

export class Settlement {
  private readonly now: Clock;
  readonly refunds: RefundRunner;
  constructor(private readonly deps: SettlementDeps) {
    this.now = deps.now ?? Date.now;
    this.refunds = new RefundRunner(deps);
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
   * The ledger effect of an event for the order as read now (no lock). A payment posts the
   * order's hold; if that hold is gone (expired, voided) it is a late payment. A concurrent void
   * that loses to the post answers already_posted and leaves the order to this payment.
   */
  private async prepare(evt: WebhookEvent): Promise<Prepared> {
    const order = isUuid(evt.data.orderId) ? await this.deps.orders.find(evt.data.orderId) : null;
    if (!order || order.paymentSessionId !== evt.data.sessionId) return { kind: "none" };
    if (evt.type === "payment.succeeded" && !paysInFull(evt, order)) return { kind: "mismatch" };
    if (evt.type === "payment.succeeded") {
      if (order.status !== "held" && !isLatePayment(order.status)) return { kind: "none" };
      const event = await this.event(order.eventId);
      if (order.status === "held") {
        const posted = assertSettled(
          settleOutcome(await this.deps.ledger.createTransfers(planPost(holdRef(event, order)))),
          "post",
        );
        if (posted.kind === "done" || posted.kind === "already_posted")
          return this.paying(event, order, order.holdId, false);
      }
      return this.rebook(event, order);
    }
    if ((evt.type === "payment.failed" || evt.type === "payment.canceled") && order.status === "held") {
      const event = await this.event(order.eventId);
      const voided = assertSettled(
        settleOutcome(await this.deps.ledger.createTransfers(planVoid(holdRef(event, order)))),
        "void",
      );
      // already_posted: a payment won; the order is that payment's to settle.
      return voided.kind === "already_posted" ? { kind: "none" } : { kind: "voided" };
    }
    return { kind: "none" };
  }

  private async paying(event: EventRecord, order: OrderRecord, holdId: string, late: boolean): Promise<Prepared> {
    return { kind: "pay", event, order, holdId, late, perks: await grantPerks(this.deps.ledger, event, order.id) };
  }

  /** The money is captured but the hold is gone: hold again under the order's late hold id and post at once, else refund. */
  private async rebook(event: EventRecord, order: OrderRecord): Promise<Prepared> {
    const holdId = lateHoldId(order.id);
    const plan = planHold({
      ledger: event.ledger,
      holdId,
      fanId: order.fanId,
      perFanMax: event.waitingRoom.perFanMax,
      holdSeconds: holdSecondsMin,
      items: order.items.map((i) => ({ tierId: i.classId, quantity: i.quantity })),
      // The order's price may be a promo code's: the late hold takes a use of it again, or is refused.
      codeId: order.codeId ?? null,
    });
    await this.deps.ledger.createAccounts(plan.accounts);
    // A retry answers `exists` (placed) or id_already_failed (the first try found no stock): never a second hold.
    const held = holdOutcome(plan, await this.deps.ledger.createTransfers(plan.transfers));
    if (held.kind !== "placed") return { kind: "refund_late" };
    const posted = assertSettled(
      settleOutcome(await this.deps.ledger.createTransfers(planPost(plan.hold))),
      "late post",
    );
    if (posted.kind === "done" || posted.kind === "already_posted") return this.paying(event, order, holdId, true);
    return { kind: "refund_late" }; // the late hold timed out between a crash and this retry
  }

  /** Applies one provider event exactly once (the inbox row and the order change commit together). */
  async applyWebhook(evt: WebhookEvent): Promise<WebhookResult> {
    const prepared = await this.prepare(evt);
    if (prepared.kind === "pay" && !prepared.late && prepared.order.status === "held") {
      const { order, perks } = prepared;
      // The tickets' codes are signed here; the batch writes them if it is the one to pay the order.
      const tickets = ticketRows(this.deps.codes, order);
      if ((await this.deps.paidBatch.commitPaid({ evt, order, perks, tickets })) === "paid") {
        await this.afterPaid(order, prepared.event);
        return "applied";
      }
    }
    return this.applyAlone(evt, prepared);
  }

  /** One event in its own transaction: every case the batch does not take. */
  private async applyAlone(evt: WebhookEvent, prepared: Prepared): Promise<WebhookResult> {
    const after: Array<() => Promise<void>> = [];
    const result = await this.deps.transactions(async (tx) => {
      // Not a uuid: no order of ours (asked of the database it would be an error, not an answer).
      const order = isUuid(evt.data.orderId) ? await this.deps.orders.getForUpdate(tx, evt.data.orderId) : null;
      const entry = { eventId: evt.id, type: evt.type, orderId: order?.id ?? null, sessionId: evt.data.sessionId };
      const inbox = (outcome: string) => this.deps.inbox.record(tx, entry, outcome);
      // An event for an order we do not know (or a session that is not the order's) is recorded
      // and acknowledged: retrying could never change the answer, so no retry storm.
      if (!order || order.paymentSessionId !== evt.data.sessionId)
        return (await inbox("unknown_order")) ? "unknown_order" : "duplicate";
      if (prepared.kind === "mismatch")
        return (await inbox("amount_mismatch")) ? this.mismatch(evt, order) : "duplicate";
      if (!(await inbox("applied"))) return "duplicate";
      const outcome = await this.applyToOrder(tx, evt, order, prepared, after);
      await this.deps.inbox.setOutcome(tx, evt.id, outcome);
      return outcome === "ignored" ? "ignored" : "applied";
    });
    for (const fn of after) await fn();
    return result;
  }

  /** A provider event the shop has no use for (another integration's, a later API's): recorded, no effect. */
  async recordIgnored(providerEventId: string, type: string): Promise<void> {
    await this.deps.inbox.recordIgnored(providerEventId, type);
  }

  /** The provider says it took another amount or currency than the order's: nothing is settled (the
   * hold runs out as unpaid), and the admin is told — the money is for a person to sort out. */
  private mismatch(evt: WebhookEvent, order: OrderRecord): "mismatch" {
    const paid = { amountCents: evt.data.amountCents, currency: evt.data.currency };
    const owed = { amountCents: order.totalCents, currency: order.currency };
    this.deps.logger.error({ orderId: order.id, eventId: evt.id, paid, owed }, "payment does not match its order");
    return "mismatch";
  }

  /** Compare-and-set; losing it means the order moved between prepare and the lock: fail, the provider retries. */
  private async move(
    tx: Tx,
    order: OrderRecord,
    from: OrderStatus,
    to: OrderStatus,
    extra: { holdId?: string; reason?: string } = {},
  ): Promise<void> {
    if (!(await this.deps.orders.move(tx, order.id, from, to, extra)))
      throw new Error(`order ${order.id} is no longer ${from}; retry`);
  }

  private async applyToOrder(
    tx: Tx,
    evt: WebhookEvent,
    order: OrderRecord,
    prepared: Prepared,
    after: Array<() => Promise<void>>,
  ): Promise<string> {
    const status = order.status;
    if (evt.type === "refund.succeeded") return this.refundedByProvider(tx, order, after);
    if (status === "paid" || status === "refunded") return "ignored";
    if (evt.type !== "payment.succeeded") {
      if (status !== "held" || prepared.kind !== "voided") return "ignored";
      const to: OrderStatus = evt.type === "payment.failed" ? "payment_failed" : "cancelled";
      await this.move(tx, order, "held", to, { reason: evt.type });
      after.push(() => this.announce(order, "hold.voided", to));
      return to;
    }
    if (prepared.kind === "none" || prepared.kind === "voided" || prepared.kind === "mismatch")
      throw new Error(`order ${order.id} changed while its payment was prepared; retry`);
    // A late payment of a still-held order (its ledger hold timed out first) ends the hold on the way.
    const late = prepared.kind === "refund_late" || prepared.late;
    let from = status;
    if (late && status === "held") {
      await this.move(tx, order, "held", "expired", { reason: "expired before payment" });
      from = "expired";
    }
    if (prepared.kind === "refund_late") {
      await this.move(tx, order, from, "refunded", { reason: "late payment, no stock" });
      const intent = await this.refunds.record(tx, order, "late payment: no tickets left", false);
      after.push(
        () => this.announce(order, "order.refunded", "refunded"),
        () => this.runRefund(intent),
      );
      return "refunded";
    }
    await this.move(tx, order, from, "paid", prepared.late ? { holdId: prepared.holdId } : {});
    await issueTickets(tx, this.deps.codes, order);
    await recordPerks(tx, order.id, prepared.perks);
    after.push(() => this.afterPaid(order, prepared.event));
    return "paid";
  }

  /** After a payment's commit: the fan's pages are told, and the checkout slot goes to the next fan if the event says so. */
  private async afterPaid(order: OrderRecord, event: EventRecord): Promise<void> {
    await this.announce(order, "order.paid", "paid");
    if (event.waitingRoom.endAdmissionOnPaid)
      await this.deps.store.releaseSlot(order.eventId, order.fanId, order.admissionJti);
  }

  /** A refund made at the provider (ours or not): tickets void; a paid order's stock goes back through an intent. */
  private async refundedByProvider(tx: Tx, order: OrderRecord, after: Array<() => Promise<void>>): Promise<string> {
    if (order.status !== "paid" && !isLatePayment(order.status)) return "ignored";
    const wasPaid = order.status === "paid";
    await this.move(tx, order, order.status, "refunded", { reason: "refund.succeeded" });
    await voidTickets(tx, order.id);
    after.push(() => this.announce(order, "order.refunded", "refunded"));
    if (wasPaid) {
      const intent = await this.refunds.record(tx, order, "refunded at the provider", true);
      after.push(() => this.runRefund(intent));
    }
    return "refunded";
  }

  /** A refund's effects after its commit; a failure leaves the intent pending for resumePending. */
  private async runRefund(intent: RefundIntent): Promise<void> {
    try {
      await this.refunds.run(intent);
    } catch (err) {
      this.deps.logger.error({ err, orderId: intent.orderId }, "refund left pending");
    }
  }

  /** Admin refund of a paid order: decided in one short transaction; money back and stock returned after it. */
  async refund(orderId: string): Promise<SettleResult> {
    const after: Array<() => Promise<void>> = [];
    const result = await this.deps.transactions(async (tx): Promise<SettleResult> => {
      const order = await this.deps.orders.getForUpdate(tx, orderId);
      if (!order) return { kind: "not_found" };
      if (order.status === "refunded") return { kind: "unchanged", status: order.status };
      if (order.status !== "paid") return { kind: "conflict", status: order.status };
      await this.move(tx, order, "paid", "refunded", { reason: "admin refund" });
      await voidTickets(tx, order.id);
      const intent = await this.refunds.record(tx, order, "refunded by an admin", true);
      after.push(
        () => this.runRefund(intent),
        () => this.announce(order, "order.refunded", "refunded"),
      );
      return { kind: "moved", to: "refunded" };
    });
    for (const fn of after) await fn();
    return result;
  }
}

/** Whether a payment is for exactly what the order costs, in its currency. */
function paysInFull(evt: WebhookEvent, order: OrderRecord): boolean {
  return evt.data.amountCents === order.totalCents && evt.data.currency === order.currency;
}
